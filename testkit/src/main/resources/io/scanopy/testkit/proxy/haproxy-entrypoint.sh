#!/bin/sh
# Replica of the official haproxy image's docker-entrypoint.sh: options alone run haproxy with
# them; "haproxy ..." runs it in master-worker mode in the foreground (-W -db).
set -e
if [ "${1#-}" != "$1" ]; then
  set -- haproxy "$@"
fi
if [ "$1" = 'haproxy' ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
