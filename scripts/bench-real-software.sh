#!/usr/bin/env bash
# Detection speed on real software: scripts/bench-real-software.sh [rounds=5]
# Starts the test kit's real-software set (24 services from Debian packages; the image is built
# once, about a minute, then reused), and prints containers/s for the raw exec floor, the probe
# without and with its banner section, and the engine — rounds interleaved. Removes its containers.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-env.sh
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost

mvn -B -q -ntp -DskipTests -Dscanopy.image.skip=true package -pl bench -am
exec java -Xmx512m \
  -Dscanopy.bench.plugins=bench/target/plugins \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.scanopy.bench.RealSoftwareBenchmark "$@"
