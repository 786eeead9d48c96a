#!/bin/sh
# A service for ProbeOutputCapTest. busybox nc runs it once per connection (nc -ll -e), the
# socket as its stdin and stdout. Whatever is asked, it answers 200 with a 96 KiB body: more
# than the probe keeps of one answer (64 KiB), so every port fills its whole share of the
# probe's output.

# The request: up to its empty line (read whole, so closing the socket resets nothing).
while IFS= read -r line; do
  case "$line" in '' | "$(printf '\r')") break ;; esac
done
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n'
head -c 98304 /dev/zero | tr '\0' 'x'
