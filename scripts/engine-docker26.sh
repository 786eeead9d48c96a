#!/usr/bin/env bash
# A second, newer Docker Engine for the tests: Debian trixie's docker.io (26.1, API 1.45) and
# containerd (1.7), running beside the machine's own engine on a socket of their own. Idempotent:
# skips the download when the packages are unpacked, skips the start when the engine answers.
# Prints the engine's socket (unix:///run/docker26.sock) on stdout; everything else goes to stderr
# and the logs under /var/log/. Bounded: apt is given 4 minutes a step, each daemon 60 s to answer.
#
# It shares nothing with the machine's engine: own containerd (root, state, grpc address), own data
# and exec roots, own bridge and address pool, no iptables rules (ports publish through
# docker-proxy). Written for Debian as root (our machines and CI).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The services started here keep the working directory they were started in: never a checkout
# that may be deleted (Podman's conmon then fails every start with "Failed to get working directory").
cd /

name=docker26
socket=/run/$name.sock
cache=/var/cache/scanopy-test/$name      # survives: the downloaded packages, unpacked
prefix=$cache/root
state=/var/lib/scanopy-test-$name         # the engine's data: images, containers
run=/run/scanopy-test-$name               # sockets, pid files, exec root
log_dir=/var/log
bridge=docker26br0
# Not used by the machine's engine (172.17.0.0/16 and its default pools 172.18-31.x, 192.168.x)
# nor by Podman's defaults (10.88.0.0/16, 10.89.x).
bridge_address=10.225.0.1/24
address_pool=10.226.0.0/16

log() { echo "engine-$name: $*" >&2; }

answers() { DOCKER_HOST="unix://$socket" timeout 5 docker version --format '{{.Server.Version}}' 2>/dev/null; }

if [ "$(id -u)" -ne 0 ]; then
  log "needs root (it starts containerd and dockerd and creates a bridge); run as root"
  exit 1
fi

if version=$(answers); then
  log "Docker Engine $version already answers on $socket"
  echo "unix://$socket"
  exit 0
fi

download() {
  "$here/trixie-packages.sh" "$prefix" docker.io containerd
  # trixie's runc needs glibc 2.38; bookworm's runc (installed with the machine's docker.io) is used.
  rm -f "$prefix/usr/sbin/runc" "$prefix/usr/bin/runc"
}

[ -x "$prefix/usr/sbin/dockerd" ] && [ -x "$prefix/usr/bin/containerd" ] || download
if ! command -v runc >/dev/null 2>&1; then
  log "runc is missing: install bookworm's (apt-get install -y runc) and run again"
  exit 1
fi

# Its own bridge, so dockerd never touches the machine engine's docker0 (and never --bridge none,
# which would delete docker0).
ip link show "$bridge" >/dev/null 2>&1 || ip link add "$bridge" type bridge
ip -brief address show dev "$bridge" | grep -qF " ${bridge_address%/*}/" || ip address add "$bridge_address" dev "$bridge"
ip link set "$bridge" up

mkdir -p "$state" "$run"
# Its own binaries first on PATH: containerd's runc shim and dockerd's docker-proxy come from trixie.
export PATH=$prefix/usr/bin:$prefix/usr/sbin:$PATH

containerd_socket=$run/containerd.sock
cat >"$run/containerd.toml" <<EOF
version = 2
root = "$state/containerd"
state = "$run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$containerd_socket"
[ttrpc]
  address = "$containerd_socket.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF

# Alive and not a zombie (a killed daemon's pid can linger as one).
running() {
  local process_state
  process_state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$process_state" != Z ]
}

containerd_answers() { timeout 5 "$prefix/usr/bin/ctr" --address "$containerd_socket" version >/dev/null 2>&1; }

# Ours, alive, not a zombie, and not another process that reused the pid.
ours_running() { [ -n "$1" ] && running "$1" && [ "$(readlink "/proc/$1/exe")" = "$2" ]; }

containerd_pid=$(cat "$run/containerd.pid" 2>/dev/null || true)
if ! containerd_answers && ours_running "$containerd_pid" "$prefix/usr/bin/containerd"; then
  # Running but slow to answer (a loaded machine): a second one would take its socket over.
  deadline=$((SECONDS + 60))
  until containerd_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "containerd (pid $containerd_pid) runs but does not answer on $containerd_socket: stop it (kill $containerd_pid) and run again"
      exit 1
    fi
    sleep 1
  done
fi
if ! containerd_answers; then
  log "starting containerd $("$prefix/usr/bin/containerd" --version | awk '{print $3}') (log: $log_dir/scanopy-test-$name-containerd.log)"
  nohup "$prefix/usr/bin/containerd" --config "$run/containerd.toml" \
    >>"$log_dir/scanopy-test-$name-containerd.log" 2>&1 &
  containerd_pid=$!
  echo "$containerd_pid" >"$run/containerd.pid"
  deadline=$((SECONDS + 60))
  until containerd_answers; do
    if ! running "$containerd_pid" || [ "$SECONDS" -ge "$deadline" ]; then
      log "containerd did not answer on $containerd_socket; its log:"
      tail -n 30 "$log_dir/scanopy-test-$name-containerd.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
fi

dockerd_pid=$(cat "$run/dockerd.pid" 2>/dev/null || true)
if ours_running "$dockerd_pid" "$prefix/usr/sbin/dockerd"; then
  log "dockerd (pid $dockerd_pid) runs but does not answer on $socket: stop it (kill $dockerd_pid) and run again; its log: $log_dir/scanopy-test-$name-dockerd.log"
  exit 1
fi
# Docker 26 deletes the interface named docker0 (the machine engine's bridge, whatever --bridge
# says) when it starts with --default-address-pool and finds the default "bridge" network of an
# earlier run in its network store (moby's configureNetworking, removeDefaultBridgeInterface). The
# store keeps nothing the tests need: every start begins without it, so that never happens.
rm -f "$state/docker/network/files/local-kv.db"
docker0_before=$(cat /sys/class/net/docker0/ifindex 2>/dev/null || true)

log "starting dockerd $("$prefix/usr/sbin/dockerd" --version | awk '{print $3}' | tr -d ,) on $socket (log: $log_dir/scanopy-test-$name-dockerd.log)"
# A pid file left by a killed dockerd is handled by dockerd itself.
nohup "$prefix/usr/sbin/dockerd" \
  --host "unix://$socket" \
  --containerd "$containerd_socket" \
  --data-root "$state/docker" \
  --exec-root "$run/exec" \
  --pidfile "$run/dockerd.pid" \
  --bridge "$bridge" \
  --default-address-pool "base=$address_pool,size=24" \
  --iptables=false --ip6tables=false \
  --cgroup-parent "/$name" \
  >>"$log_dir/scanopy-test-$name-dockerd.log" 2>&1 &
dockerd_pid=$!
deadline=$((SECONDS + 60))
until version=$(answers); do
  if ! running "$dockerd_pid" || [ "$SECONDS" -ge "$deadline" ]; then
    log "dockerd did not answer on $socket; its log:"
    tail -n 30 "$log_dir/scanopy-test-$name-dockerd.log" >&2 || true
    exit 1
  fi
  sleep 1
done
docker0_after=$(cat /sys/class/net/docker0/ifindex 2>/dev/null || true)
if [ "$docker0_before" != "$docker0_after" ]; then
  log "the machine engine's docker0 changed while dockerd $version started (ifindex $docker0_before -> ${docker0_after:-gone}): restart the machine's dockerd to restore it, and report this"
  exit 1
fi
log "Docker Engine $version is up on $socket"
echo "unix://$socket"
