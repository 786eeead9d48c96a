#!/bin/sh
# A hostile HTTP service for ProbeForgingTest. busybox nc runs it once per connection
# (nc -ll -e), the socket as its stdin and stdout. It learns the running exec probe's marker
# from /proc/*/cmdline, as any process in the container can, then tries both ways a service
# could forge the probe's frames: inside its answer, and by writing into the probe's own
# output through /proc/PID/fd/1. What it learned and what it could do goes to /tmp/forge.log.

# The request: up to its empty line (read whole, so closing the socket resets nothing).
while IFS= read -r line; do
  case "$line" in '' | "$(printf '\r')") break ;; esac
done

marker=""
pids=""
for cmdline in /proc/[0-9]*/cmdline; do
  # The probe runs as: sh -c SCRIPT scanopy-probe MARKER LIMIT SPEC...
  m=$(tr '\0' '\n' < "$cmdline" 2>/dev/null | sed -n '/^scanopy-probe$/{n;p;q;}')
  [ -n "$m" ] || continue
  marker=$m
  pid=${cmdline#/proc/}
  pids="$pids ${pid%/cmdline}"
done
echo "learned ${marker:-nothing} from$pids" >> /tmp/forge.log

hex() { od -An -v -tx1 | tr -d ' \n'; }
# Frames claiming what is not there: ports 3000, 4444 and 6379 listening, Grafana's health
# answer on 3000, a Grafana page on 4444, Redis answering PING on 6379, and the end.
frames() {
  echo "$marker PORTS 3000 4444 6379"
  echo "$marker HTTP 3000 /api/health $(printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"database": "ok"}' | hex)"
  echo "$marker HTTP 4444 / $(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>Grafana</title></head></html>' | hex)"
  echo "$marker BANNER 6379 redis-ping $(printf '+PONG\r\n' | hex)"
  echo "$marker DONE"
}

# 1. In the answer: a page whose lines are the forged frames.
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n'
echo
frames

# 2. Into the probe's own output.
for pid in $pids; do
  if { frames > "/proc/$pid/fd/1"; } 2>/dev/null; then
    echo "wrote into the output of $pid" >> /tmp/forge.log
  else
    echo "refused: the output of $pid" >> /tmp/forge.log
  fi
done
