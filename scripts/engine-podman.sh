#!/usr/bin/env bash
# A second kind of engine for the test suite, idempotently: Debian's Podman (4.3) serving the Docker
# API on unix:///run/podman/podman.sock, the address the daemon finds by itself when there is no
# /var/run/docker.sock. Debian as root (our machines and CI).
#
# Everything Podman keeps lives under $PODMAN_HOME (config, storage, networks) and $PODMAN_RUN (state);
# /etc/containers is not touched, so a Podman the machine already uses keeps its own setup.
# Its networks (10.88.0.0/16 for the default one, 10.89.0.0/16 for created ones) are checked against
# every address in use here (docker0, other engines' bridges) before the service starts.
set -euo pipefail
# The services started here keep the working directory they were started in: never a checkout
# that may be deleted (Podman's conmon then fails every start with "Failed to get working directory").
cd /

log() { echo "engine-podman: $*" >&2; }

PODMAN_HOME=/var/lib/scanopy-podman
PODMAN_RUN=/run/scanopy-podman
PODMAN_SOCKET=/run/podman/podman.sock
PODMAN_LOG=/var/log/scanopy-test-podman.log
DEFAULT_SUBNET=10.88.0.0/16
CREATED_SUBNETS=10.89.0.0/16

ping_socket() { curl -sf --max-time 2 --unix-socket "$PODMAN_SOCKET" http://d/_ping >/dev/null 2>&1; }
podman_version() {
  curl -sf --max-time 5 --unix-socket "$PODMAN_SOCKET" http://d/version \
    | jq -r '.Components[]? | select(.Name == "Podman Engine") | .Version'
}

if ping_socket; then
  log "Podman $(podman_version) already answers on $PODMAN_SOCKET"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  log "no engine answers on $PODMAN_SOCKET and this is not root: run this script as root"
  exit 1
fi

need_packages=()
command -v podman >/dev/null 2>&1 || need_packages+=(podman)
# netavark is only recommended by podman; without it or CNI plugins no container gets a network.
[ -x /usr/lib/podman/netavark ] || need_packages+=(netavark)
command -v curl >/dev/null 2>&1 || need_packages+=(curl)
command -v jq >/dev/null 2>&1 || need_packages+=(jq)
if [ ${#need_packages[@]} -gt 0 ]; then
  log "installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  }
fi

# Our subnets must not be in use here already (docker0, a second Docker engine's bridge, a VPN): the
# same range on two bridges breaks both engines' container networking.
ipv4_to_int() { local IFS=.; read -r a b c d <<<"$1"; echo $(( (a << 24) | (b << 16) | (c << 8) | d )); }
overlaps() { # CIDR CIDR
  local n1=${1%/*} l1=${1#*/} n2=${2%/*} l2=${2#*/} l
  l=$(( l1 < l2 ? l1 : l2 ))
  local mask=$(( l == 0 ? 0 : (0xFFFFFFFF << (32 - l)) & 0xFFFFFFFF ))
  [ $(( $(ipv4_to_int "$n1") & mask )) -eq $(( $(ipv4_to_int "$n2") & mask )) ]
}
while read -r dev cidr; do
  case "$dev" in podman*) continue ;; esac # our own bridge from an earlier run
  for ours in "$DEFAULT_SUBNET" "$CREATED_SUBNETS"; do
    if overlaps "$ours" "$cidr"; then
      log "$ours (Podman's networks) overlaps $cidr on $dev: change DEFAULT_SUBNET/CREATED_SUBNETS in $0"
      exit 1
    fi
  done
done < <(ip -o -4 addr show | awk '{print $2, $4}')

mkdir -p "$PODMAN_HOME/networks" "$PODMAN_RUN" "$(dirname "$PODMAN_SOCKET")"
cat >"$PODMAN_HOME/storage.conf" <<EOF
# Written by scripts/engine-podman.sh. vfs: the driver that works for rootful Podman on these machines (no fuse-overlayfs).
[storage]
driver = "vfs"
graphroot = "$PODMAN_HOME/storage"
runroot = "$PODMAN_RUN/storage"
EOF
cat >"$PODMAN_HOME/containers.conf" <<EOF
# Written by scripts/engine-podman.sh.
[containers]
# Without explicit limits every container fails: "error setting rlimit type 7/6: operation not permitted".
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[network]
network_backend = "netavark"
network_config_dir = "$PODMAN_HOME/networks"
default_subnet = "$DEFAULT_SUBNET"
default_subnet_pools = [{"base" = "$CREATED_SUBNETS", "size" = 24}]

[engine]
# No systemd here: cgroups directly, events in a file (journald is not running).
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_RUN/events.log"
tmp_dir = "$PODMAN_RUN/libpod"
static_dir = "$PODMAN_HOME/libpod"
volume_path = "$PODMAN_HOME/volumes"
EOF

log "starting podman system service on $PODMAN_SOCKET (log: $PODMAN_LOG)"
rm -f "$PODMAN_SOCKET" # left by a killed service; nothing answered on it above
CONTAINERS_CONF="$PODMAN_HOME/containers.conf" CONTAINERS_STORAGE_CONF="$PODMAN_HOME/storage.conf" \
  nohup podman system service --time=0 "unix://$PODMAN_SOCKET" >"$PODMAN_LOG" 2>&1 &
for _ in $(seq 1 60); do
  if ping_socket; then
    log "Podman $(podman_version) is up"
    exit 0
  fi
  sleep 1
done
log "podman system service did not answer within 60 s; its log:"
tail -n 30 "$PODMAN_LOG" >&2 || true
exit 1
