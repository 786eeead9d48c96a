#!/usr/bin/env bash
# The benchmark on the local engine: scripts/bench.sh [N=100 (max 500)] [rounds=3] [steady-seconds=60]
# (steady-seconds: how long the daemon is watched with N unchanged containers, in-process and as a process).
# Prints a Markdown table and writes bench/target/bench-N<N>.{md,csv}. Prepares the machine
# like the tests do (scripts/test-env.sh) and builds what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-env.sh
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost

mvn -B -q -ntp -DskipTests package -pl bench -am
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)
exec java -Xmx512m \
  -Dscanopy.bench.plugins=bench/target/plugins \
  -Dscanopy.bench.distribution="dist/target/scanopy-daemon-$version.tar.gz" \
  -Dscanopy.bench.out=bench/target \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.scanopy.bench.DiscoveryBenchmark "$@"
