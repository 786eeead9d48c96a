#!/bin/sh
# Replica entrypoint: IPv4-only bind when DISABLE_IPV6 is true, as upstream does.
set -e
case "$DISABLE_IPV6" in
  1|true|yes) BIND_CONFIG=":2375" ;;
  *) BIND_CONFIG="[::]:2375 v4v6" ;;
esac
export BIND_CONFIG
exec /usr/sbin/haproxy -db -f /usr/local/etc/haproxy/haproxy.cfg "$@"
