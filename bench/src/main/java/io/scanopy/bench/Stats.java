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

    /**
     * @param p the percentile, 0 to 100
     * @return the nearest-rank percentile
     */
    double percentile(double p) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * Per-round ratios: each sample of {@code over} divided by the sample of {@code under} taken
     * in the same round (rounds are interleaved, so both saw the same machine).
     *
     * @param over the numerator, one sample per round
     * @param under the denominator, one sample per round, in the same order
     * @return the ratios, one per round
     */
    static Stats ratios(Stats over, Stats under) {
        if (over.samples().size() != under.samples().size()) {
            throw new IllegalArgumentException("ratios need one sample per round on both sides: " + over.samples().size() + " vs " + under.samples().size());
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < over.samples().size(); i++) {
            ratios.add(over.samples().get(i) / under.samples().get(i));
        }
        return new Stats(ratios);
    }

    /**
     * @return "1.23x (1.10–1.40)": the median of per-round ratios, with their min–max
     */
    String asRatio() {
        return String.format(java.util.Locale.ROOT, "%.2fx (%.2f–%.2f)", median(), min(), max());
    }

    double min() {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
