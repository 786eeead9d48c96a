#!/bin/sh
# Replica of wollomatic socket-proxy 1.13.1's request filtering (see
# shared/reference/socket-proxies.md), as HAProxy configuration written from the same flags
# and SP_* variables: per-method regex allowlists anchored ^(...)$ and case-sensitive on the
# path as sent; 405 for a method without allowlist; 403 for a path outside it or a client
# outside -allowfrom; plain-text bodies. -allowfrom entries are read as upstream reads them: in
# order, a host name resolved on every request (Docker's DNS; the first address it gives), the
# first CIDR ending the list.
# Like upstream it runs as 65534:65534 (the image's USER) and, before listening, checks that it
# can connect to the socket: without a group that can, it logs upstream's line and exits 2.
set -e
reason=
listenip="${SP_LISTENIP:-127.0.0.1}"
port="${SP_PROXYPORT:-2375}"
allowfrom="${SP_ALLOWFROM:-127.0.0.1/32}"
socket="${SP_SOCKETPATH:-/var/run/docker.sock}"
METHODS="GET HEAD POST PUT PATCH DELETE CONNECT TRACE OPTIONS"
# Upstream is one static binary that writes nothing, so it runs with a read-only root file system
# (a swarm stack or compose file with read_only: true); this replica writes its generated HAProxy
# configuration to /tmp, or to Docker's /dev/shm (a tmpfs in every container) when /tmp is read-only.
work=/tmp
if ! touch "$work/.writable" 2>/dev/null; then
  work=/dev/shm
fi
rm -f "$work/.writable"
rules=$work/allow
mkdir -p "$rules"
rm -f "$rules"/*

# Flags first: a flag for a method drops that method's environment values.
for arg in "$@"; do
  case "$arg" in
    # -allowfrom must be matched before the -allow<METHOD> pattern.
    -allowfrom=*) allowfrom=${arg#*=} ;;
    -allow*=*)
      name=${arg%%=*}; value=${arg#*=}; method=${name#-allow}
      case " $METHODS " in
        *" $method "*) printf '%s\n' "$value" >> "$rules/flag-$method" ;;
        *) echo "unknown flag $name" >&2; exit 2 ;;
      esac ;;
    -listenip=*) listenip=${arg#*=} ;;
    -proxyport=*) port=${arg#*=} ;;
    -socketpath=*) socket=${arg#*=} ;;
    -loglevel=*|-logjson|-shutdowngracetime=*|-watchdoginterval=*|-stoponwatchdog|-allowhealthcheck) ;;
    *) echo "unsupported flag in replica: $arg" >&2; exit 2 ;;
  esac
done
for method in $METHODS; do
  if [ -f "$rules/flag-$method" ]; then
    mv "$rules/flag-$method" "$rules/$method"
  else
    env | grep -E "^SP_ALLOW_${method}(_[^=]*)?=" | sed 's/^[^=]*=//' > "$rules/$method" || true
    [ -s "$rules/$method" ] || rm -f "$rules/$method"
  fi
done

# Upstream dials the socket once and, on failure, logs with Go's slog text handler on stdout and
# exits 2: level=ERROR msg="socket not available" error="dial unix PATH: connect: REASON".
# busybox date has no sub-second field: the milliseconds print as 000.
if [ ! -e "$socket" ]; then
  reason="no such file or directory"
elif [ ! -S "$socket" ]; then
  reason="connection refused"
elif [ ! -w "$socket" ]; then
  reason="permission denied"
fi
if [ -n "$reason" ]; then
  echo "time=$(date -u +%Y-%m-%dT%H:%M:%S).000Z level=ERROR msg=\"socket not available\" error=\"dial unix $socket: connect: $reason\""
  exit 2
fi

# -allowfrom as upstream checks it, written as HAProxy rules to $rules/allowfrom and a condition in
# $allowed_client: entries in order; one with a '/' is a CIDR that decides for the client and ends
# the list; any other (a host name, or an address) is looked up and admits the address it gives.
allowed_client=
resolved_names=
n=0
echo "    http-request set-var(txn.client) src" > "$rules/allowfrom"
for entry in $(echo "$allowfrom" | tr ',' ' '); do
  case "$entry" in
    */*)
      echo "    acl allowfrom_cidr src $entry" >> "$rules/allowfrom"
      allowed_client="$allowed_client || allowfrom_cidr"
      break ;;
    *:*) # an IPv6 address
      echo "    acl allowfrom$n src $entry" >> "$rules/allowfrom"
      allowed_client="$allowed_client || allowfrom$n"
      n=$((n + 1)) ;;
    *[!0-9.]*)
      resolved_names=yes
      {
        echo "    http-request do-resolve(txn.allowfrom$n,dns,ipv4) str($entry)"
        echo "    acl allowfrom$n var(txn.allowfrom$n),ipmask(32),strcmp(txn.client) eq 0"
      } >> "$rules/allowfrom"
      allowed_client="$allowed_client || allowfrom$n"
      n=$((n + 1)) ;;
    *)
      echo "    acl allowfrom$n src $entry" >> "$rules/allowfrom"
      allowed_client="$allowed_client || allowfrom$n"
      n=$((n + 1)) ;;
  esac
done
# No entry admits no client (HAProxy's predefined ACL FALSE).
allowed_client=${allowed_client# || }
allowed_client=${allowed_client:-FALSE}

printf 'Forbidden\n' > "$work/forbidden.txt"
printf 'Method Not Allowed\n' > "$work/not-allowed.txt"
cfg=$work/haproxy.cfg
{
  echo "global"
  echo "    maxconn 4000"
  echo "defaults"
  echo "    mode http"
  echo "    timeout connect 10s"
  echo "    timeout client 0"
  echo "    timeout server 0"
  echo "    timeout http-request 0"
  echo "backend docker"
  echo "    server dockersocket $socket"
  if [ -n "$resolved_names" ]; then
    echo "resolvers dns"
    echo "    parse-resolv-conf"
    # Upstream looks a name up on every request; HAProxy keeps an answer 1 s at most.
    echo "    hold valid 1s"
    echo "    hold obsolete 0s"
    echo "    hold nx 1s"
  fi
  echo "frontend proxy"
  echo "    bind $listenip:$port"
  cat "$rules/allowfrom"
  echo "    http-request return status 403 content-type \"text/plain; charset=utf-8\" file $work/forbidden.txt hdr X-Content-Type-Options nosniff unless $allowed_client"
  for method in $METHODS; do
    if [ -f "$rules/$method" ]; then
      printf '    acl allow_%s path -m reg' "$method"
      while IFS= read -r regex; do
        printf " '^(%s)\$'" "$regex"
      done < "$rules/$method"
      printf '\n'
      echo "    http-request return status 403 content-type \"text/plain; charset=utf-8\" file $work/forbidden.txt hdr X-Content-Type-Options nosniff if { method $method } !allow_$method"
    else
      echo "    http-request return status 405 content-type \"text/plain; charset=utf-8\" file $work/not-allowed.txt hdr X-Content-Type-Options nosniff if { method $method }"
    fi
  done
  echo "    default_backend docker"
} > "$cfg"
# Upstream (Go) stops at once on SIGTERM, the default stop signal. HAProxy as process 1 ignores
# SIGTERM, so this shell stays process 1 and turns SIGTERM and SIGINT into HAProxy's stop
# (SIGUSR1): the image keeps upstream's stop signal and `docker stop` takes no 10 s.
/usr/sbin/haproxy -db -f "$cfg" &
haproxy=$!
trap 'kill -USR1 "$haproxy" 2>/dev/null' TERM INT
status=0
while kill -0 "$haproxy" 2>/dev/null; do
  if wait "$haproxy"; then status=0; else status=$?; fi
done
exit "$status"
