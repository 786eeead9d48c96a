#!/usr/bin/env bash
# The whole test suite, as CI runs it: prepares the machine (scripts/test-env.sh), then builds
# and runs every test, unit and integration, against the real Docker Engine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-env.sh

# Testcontainers settings for machines without an image registry (ours): no Ryuk reaper image
# (tests stop what they start), and no gateway-probing container (these machines have /.dockerenv).
# Set for this test run only; a user's machine with a registry needs neither.
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost

# install, not just verify: the example plugin below is built the way an outside author builds
# one, against the SPI and test kit as published to the local repository.
mvn -B -ntp clean install "$@"

# A third-party plugin outside the reactor, built and tested against the artifacts just installed
# (its tests run Debian's sshd, and the distribution with the plugin's archive dropped into plugins/).
mvn -B -ntp -f examples/docker-ssh-plugin/pom.xml clean verify
