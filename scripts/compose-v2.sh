#!/usr/bin/env bash
# Docker Compose v2 for the compose setups' tests (deploy-tests): Debian trixie's docker-compose
# (2.26, one Go binary that runs on bookworm; bookworm's own docker-compose is 1.29), unpacked once
# under /var/cache/scanopy-test/compose-v2 (scripts/trixie-packages.sh). Idempotent: no download
# when it is there. Prints the binary's path on stdout.
set -euo pipefail

prefix=/var/cache/scanopy-test/compose-v2
binary=$prefix/usr/bin/docker-compose
[ -x "$binary" ] || "$(dirname "$0")/trixie-packages.sh" "$prefix" docker-compose
echo "$binary"
