#!/usr/bin/env bash
# Builds the daemon image scanopy-daemon:VERSION and :latest on the local Docker Engine (or
# DOCKER_HOST), with no registry: the distribution, then the image from it
# (dist/src/image/build-image.sh, run by the dist module's build). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -q install -pl dist -am -DskipTests "$@"
