#!/bin/sh
# The Docker CLI doing the work of `scanopy-daemon discover --no-detection --filter FILTER`: list the
# running containers the filter matches, inspect each, list the networks and inspect each. Cold Go
# processes, as a user would run them; answers are discarded. Usage: docker-cli-inventory.sh FILTER
set -eu
ids=$(docker ps -q --no-trunc --filter "$1")
if [ -n "$ids" ]; then
  # shellcheck disable=SC2086 # one argument per id
  docker inspect $ids >/dev/null
fi
# shellcheck disable=SC2046 # one argument per network id
docker network inspect $(docker network ls -q --no-trunc) >/dev/null
