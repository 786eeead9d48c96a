# Scanopy's exec probe: POSIX sh, run as `sh -c "$(cat probe.sh)" scanopy-probe MARKER LIMIT SPEC...`
# under busybox sh, dash and bash alike. Every argument comes from the daemon, never from the
# container: MARKER is random, LIMIT a whole number of seconds it computed, each SPEC a
# catalogue PORT:PATH or *:PATH (*:/ first) or PORT=GREETING (a greeting this script knows by
# name). Frames are lines starting with MARKER; answers and banners are hex, so nothing a
# service says can forge a frame.
set -f
M="$1"; L="$2"; shift 2
case "$L" in ''|*[!0-9]*) exit 2 ;; esac

# The Engine API cannot stop an exec, so the probe stops itself: at LIMIT seconds the watchdog
# kills the probe's whole process group. runc makes an exec's process a session and group
# leader, and a shell without job control keeps every child in that group. When the probe ends
# first it stops the watchdog (and its sleep), so nothing of it outlives the probe.
watchdog=""
if command -v sleep >/dev/null 2>&1; then
  (
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$L" &
    s=$!
    wait "$s" && kill -s KILL 0
  ) </dev/null >/dev/null 2>&1 &
  watchdog=$!
fi
finish() {
  echo "$M DONE"
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
  exit 0
}

ports=""
denied=""
for f in /proc/net/tcp /proc/net/tcp6; do
  [ -e "$f" ] && ! [ -r "$f" ] && denied="$denied $f"
  [ -r "$f" ] || continue
  while read -r _ addr _ st _; do
    [ "$st" = "0A" ] || continue
    # 127.0.0.11 is Docker's embedded DNS resolver in every container on a user-defined network:
    # the engine's, on a random port, not the container's service.
    case "$addr" in 0B00007F:*) continue ;; esac
    ports="$ports $((0x${addr##*:}))"
  done < "$f"
done
uniq=""
for p in $ports; do case " $uniq " in *" $p "*) ;; *) uniq="$uniq $p" ;; esac; done
echo "$M PORTS$uniq"
client=none
if command -v curl >/dev/null 2>&1; then client=curl
elif command -v nc >/dev/null 2>&1; then client=nc
elif command -v python3 >/dev/null 2>&1; then client=python3
elif command -v wget >/dev/null 2>&1; then client=wget
elif command -v bash >/dev/null 2>&1; then client=bash
fi
echo "$M CLIENT $client"
# Banners need a raw TCP client: the HTTP client where it is one, else nc, python3, bash.
raw=none
case "$client" in
  nc|python3|bash) raw=$client ;;
  *) for t in nc python3 bash; do
       if command -v "$t" >/dev/null 2>&1; then raw=$t; break; fi
     done ;;
esac
echo "$M RAW $raw"
# As an unprivileged user a tool can be present but not executable (files not world-readable):
# the shell answers 126. Said, so the daemon can run the probe as the container's own user.
if [ "$client" != none ]; then
  for t in "$client" "$raw" od tr sleep; do
    [ "$t" = none ] && continue
    "$t" --help >/dev/null 2>&1 </dev/null
    [ $? = 126 ] && denied="$denied $t"
  done
fi
[ -n "$denied" ] && echo "$M DENIED$denied"
# A sleep this user may not run is no watchdog.
case " $denied " in *" sleep "*) watchdog="" ;; esac
[ "$client" = none ] && finish
# Without a watchdog a request could hang past LIMIT: then no request is made at all.
if [ -z "$watchdog" ]; then
  echo "$M UNBOUNDED"
  finish
fi
# busybox nc's -w bounds only the connect: timeout(1), where present, bounds each request.
# coreutils' timeout puts itself in a process group of its own unless --foreground: the
# watchdog would miss it, so it runs in the foreground where it can.
T=""
if timeout --foreground 1 true >/dev/null 2>&1; then T="timeout --foreground 3"
elif command -v timeout >/dev/null 2>&1; then T="timeout 3"
fi
# shellcheck disable=SC2016 # the single-quoted programs expand their own arguments
fetch() {
  case "$client" in
    curl) curl -s -i --max-time 2 "http://127.0.0.1:$1$2" ;;
    wget) $T wget -S -O - -T 2 "http://127.0.0.1:$1$2" 2>&1 ;;
    python3) python3 -c 'import sys,socket
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),2); s.settimeout(2)
s.sendall(("GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"%sys.argv[2]).encode())
n=0
while n<65536:
    b=s.recv(8192)
    if not b: break
    sys.stdout.buffer.write(b); n+=len(b)' "$1" "$2" 2>/dev/null ;;
    bash) $T bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3
exec cat <&3' probe "$1" "$2" 2>/dev/null ;;
    nc) printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" | $T nc -w 2 127.0.0.1 "$1" 2>/dev/null ;;
  esac
}
# The greetings, by name: each is read-only and asks for no login, so nothing is written,
# authenticated or subscribed. Redis PING answers +PONG (or -NOAUTH); memcached's version
# answers VERSION; PostgreSQL answers 'S' or 'N' to an SSLRequest and waits for a startup
# message that never comes. printf formats, fixed here: nothing taken from anywhere else.
greeting() {
  case "$1" in
    redis-ping) printf 'PING\r\n' ;;
    memcached-version) printf 'version\r\n' ;;
    postgresql-sslrequest) printf '\000\000\000\010\004\322\026\057' ;;
  esac
}
# What a port says first, or answers to its greeting, within about a second: the input stays
# open that long (a server may read end-of-input as goodbye before it speaks), then closes.
# busybox nc then shuts its side and the server closes; OpenBSD nc keeps it open, and its -w
# ends it after a second idle; timeout(1), where present, bounds either.
# shellcheck disable=SC2016 # the single-quoted programs expand their own arguments
banner() {
  case "$raw" in
    nc) { greeting "$2"; sleep 1; } | $T nc -w 1 127.0.0.1 "$1" 2>/dev/null ;;
    python3) greeting "$2" | python3 -c 'import sys,socket,time
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),2)
s.sendall(sys.stdin.buffer.read())
end=time.time()+1; n=0
while n<4096 and time.time()<end:
    s.settimeout(max(0.05,end-time.time()))
    try: b=s.recv(4096)
    except OSError: break
    if not b: break
    sys.stdout.buffer.write(b); n+=len(b)' "$1" 2>/dev/null ;;
    bash) { greeting "$2"; sleep 1; } | $T bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
cat <&3 & c=$!
cat >&3
kill "$c" 2>/dev/null' probe "$1" 2>/dev/null ;;
  esac
}
for port in $uniq; do
  first=1
  http=0
  said_first=""
  for spec in "$@"; do
    want=${spec%%:*}; path=${spec#*:}
    [ "$want" = "*" ] || [ "$want" = "$port" ] || continue
    out=$(fetch "$port" "$path" | head -c 65536 | od -An -v -tx1 | tr -d ' \n')
    echo "$M HTTP $port $path $out"
    if [ "$first" = 1 ]; then
      first=0
      said_first=$out
      case "$out" in *485454502f*) http=1 ;; *) break ;; esac
    fi
  done
  # Not HTTP: one more connection reads what the port announces, with the port's greeting if a
  # rule names one (the first; one greeting per port).
  [ "$http" = 1 ] || [ "$raw" = none ] && continue
  greet=-
  for spec in "$@"; do
    case "$spec" in "$port="*) greet=${spec#*=}; break ;; esac
  done
  # A server that speaks first has spoken within the request's seconds: a port that said nothing
  # to it (refused, closed, or waits for its client) is read again only with a greeting for it.
  [ -z "$said_first" ] && [ "$greet" = - ] && continue
  said=$(banner "$port" "$greet" | head -c 4096 | od -An -v -tx1 | tr -d ' \n')
  [ -n "$said" ] && echo "$M BANNER $port $greet $said"
done
finish
