# The second exec of the peer design the benchmark replays (Scanopy v0.17's shape: a first exec
# reads /proc/net/tcp and /proc/net/tcp6, a second runs one probe script). Fixed text, run as
# `sh -c "$(cat peer-probe.sh)"`, no arguments: for each TCP port in LISTEN state, one HTTP GET /
# to 127.0.0.1 with wget, bounded by timeout(1) at 2 s (busybox 1.35's own wget -T crashes), at
# most 4 KiB of its answer printed under the port's number.
# It ends with "probe-done", so a run that was cut is told from one that finished.
seen=" "
for table in /proc/net/tcp /proc/net/tcp6; do
  [ -r "$table" ] || continue
  while read -r _ local _ state _; do
    [ "$state" = "0A" ] || continue
    port=$((0x${local##*:}))
    case "$seen" in *" $port "*) continue ;; esac
    seen="$seen$port "
    echo "port $port"
    timeout 2 wget -q -O - "http://127.0.0.1:$port/" 2>/dev/null | head -c 4096
    echo
  done < "$table"
done
echo probe-done
