package io.scanopy.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Samples of one measurement: median and spread, no averages (these machines are noisy). */
record Stats(List<Double> samples) {

    Stats {
        samples = List.copyOf(samples);
    }

    double median() {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
