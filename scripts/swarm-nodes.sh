#!/usr/bin/env bash
# Nodes for a multi-node Docker Swarm on one machine, for deploy-tests' MultiNodeSwarmIT:
#
#   swarm-nodes.sh start N   N nodes (default 3), each its own containerd + dockerd (Debian trixie's
#                            Docker 26.1, unpacked by scripts/engine-docker26.sh) in namespaces of its
#                            own; prints each node's socket for the host, one a line, on stdout
#   swarm-nodes.sh stop      stops every node and removes everything start made
#
# A node is a set of host processes, not a container: its own network namespace (one interface,
# eth0 = 10.229.0.(10+i) on a switch the nodes share), its own mount namespace (a private /run, so
# the node's engine is at /run/docker.sock = /var/run/docker.sock for its own containers, as on a
# real host) and its own hostname (swarm-node<i>). The switch is a bridge inside a namespace of its
# own, so node-to-node traffic never crosses the host's bridge netfilter and FORWARD chain; the host
# has one leg on it (10.229.0.1) to reach the nodes. Each node's engine manages iptables inside its
# own network namespace only. Data lives on a tmpfs; every node's socket is also reachable from the
# host at /var/lib/scanopy-swarm/node<i>/docker.sock.
#
# Idempotent (a node that answers is left alone), bounded (60 s a daemon), logs to
# /var/log/scanopy-test-swarm-*.log. Written for Debian as root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=$here/$(basename "$0")
# Started from / : the daemons keep the working directory they start in, never a checkout.
cd /

prefix=/var/cache/scanopy-test/docker26/root   # trixie's containerd and dockerd (engine-docker26.sh)
data=/var/lib/scanopy-swarm                   # a tmpfs: every node's data, sockets, pid files
log_dir=/var/log
lan=scanopy-swarm-lan                         # the switch's network namespace
host_leg=scanopy-swarm0                       # the host's interface on the switch
# Not used by the machine's engines (172.17/16, 10.225-10.228) nor Podman (10.88-10.89).
subnet_prefix=10.229.0
host_address=$subnet_prefix.1
cgroup_root=/sys/fs/cgroup

log() { echo "swarm-nodes: $*" >&2; }

node_ns() { echo "scanopy-swarm-node$1"; }
node_dir() { echo "$data/node$1"; }
node_address() { echo "$subnet_prefix.$((10 + $1))"; }
node_socket() { echo "$(node_dir "$1")/docker.sock"; }

answers() { DOCKER_HOST="unix://$(node_socket "$1")" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Alive and not a zombie.
running() {
  local process_state
  process_state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$process_state" != Z ]
}

# ---- inside a node's namespaces (started by start_node through ip netns + unshare) -------------

# Runs as the node's first process, in its own mount and UTS namespaces and its network namespace:
# makes the node's /run and /sys its own, starts containerd, then becomes dockerd.
inside_node() {
  local i=$1 dir
  dir=$(node_dir "$i")
  hostname "swarm-node$i"
  # /sys showing this network namespace's interfaces (what ip netns exec does), the host's cgroup
  # hierarchies kept under it.
  mkdir -p "$dir/cgroup"
  mount --rbind "$cgroup_root" "$dir/cgroup"
  mount -t sysfs sysfs /sys
  mount --move "$dir/cgroup" "$cgroup_root"
  # A /run of its own: containerd's and dockerd's sockets and state, /run/docker.sock.
  mount -t tmpfs -o mode=755,size=64m tmpfs /run
  export PATH=$prefix/usr/bin:$prefix/usr/sbin:$PATH
  cat >/run/containerd.toml <<EOF
version = 2
root = "$dir/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "/run/containerd/containerd.sock"
EOF
  containerd --config /run/containerd.toml >>"$log_dir/scanopy-test-swarm-node$i-containerd.log" 2>&1 &
  echo $! >"$dir/containerd.pid"
  local deadline=$((SECONDS + 60))
  until ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "containerd did not answer within 60 s" >&2
      exit 1
    fi
    sleep 0.2
  done
  exec dockerd \
    --host unix:///run/docker.sock \
    --host "unix://$dir/docker.sock" \
    --containerd /run/containerd/containerd.sock \
    --data-root "$dir/docker" \
    --pidfile "$dir/dockerd.pid" \
    --shutdown-timeout 2 \
    --cgroup-parent "/scanopy-swarm-node$i"
}

# ---- on the host ----------------------------------------------------------------------------

start_switch() {
  if ! mountpoint -q "$data"; then
    mkdir -p "$data"
    mount -t tmpfs -o mode=755,size=4g tmpfs "$data"
  fi
  [ -e "/run/netns/$lan" ] || ip netns add "$lan"
  ip -n "$lan" link show br0 >/dev/null 2>&1 || ip -n "$lan" link add br0 type bridge
  ip -n "$lan" link set lo up
  ip -n "$lan" link set br0 up
  if ! ip link show "$host_leg" >/dev/null 2>&1; then
    ip link add "$host_leg" type veth peer name host netns "$lan"
    ip -n "$lan" link set host master br0 up
    ip address add "$host_address/24" dev "$host_leg"
  fi
  ip link set "$host_leg" up
}

start_node() {
  local i=$1 ns dir pid deadline
  ns=$(node_ns "$i")
  dir=$(node_dir "$i")
  if answers "$i"; then
    log "node $i already answers on $(node_socket "$i")"
    return 0
  fi
  pid=$(cat "$dir/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && running "$pid"; then
    log "node $i: dockerd (pid $pid) runs but does not answer: run '$script stop' and start again"
    return 1
  fi
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
    ip -n "$lan" link add "node$i" type veth peer name eth0 netns "$ns"
    ip -n "$lan" link set "node$i" master br0 up
    ip -n "$ns" address add "$(node_address "$i")/24" dev eth0
  fi
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  mkdir -p "$dir"
  rm -f "$(node_socket "$i")"
  # The network namespace by name (nsenter keeps the host's /sys: inside_node mounts its own),
  # new mount and UTS namespaces; setsid: the node outlives this script.
  setsid nsenter --net="/run/netns/$ns" unshare --mount --uts --propagation private \
    "$script" inside-node "$i" >>"$log_dir/scanopy-test-swarm-node$i-dockerd.log" 2>&1 </dev/null &
}

await_node() {
  local i=$1 deadline=$((SECONDS + 60))
  until answers "$i"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "node $i did not answer on $(node_socket "$i") within 60 s; its log:"
      tail -n 30 "$log_dir/scanopy-test-swarm-node$i-dockerd.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

start() {
  local count=${1:-3} i
  if [ "$(id -u)" -ne 0 ]; then
    log "needs root (namespaces, a bridge, daemons); run as root"
    exit 1
  fi
  local command missing=()
  # iptables: each node's dockerd sets up its own network namespace's rules.
  for command in ip nsenter unshare iptables runc docker; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "missing commands: ${missing[*]} (Debian: apt-get install -y iproute2 util-linux iptables runc docker.io) — install them and run again"
    exit 1
  fi
  if ! [ -x "$prefix/usr/sbin/dockerd" ]; then
    "$here/engine-docker26.sh" >/dev/null
  fi
  start_switch
  for i in $(seq 1 "$count"); do start_node "$i"; done
  for i in $(seq 1 "$count"); do await_node "$i"; done
  for i in $(seq 1 "$count"); do
    log "node $i: swarm-node$i, $(node_address "$i"), Docker $(DOCKER_HOST="unix://$(node_socket "$i")" docker version --format '{{.Server.Version}}')"
    echo "unix://$(node_socket "$i")"
  done
}

node_numbers() { ip netns list | awk '{print $1}' | sed -n 's/^scanopy-swarm-node\([0-9][0-9]*\)$/\1/p'; }

# The processes of the node's containers (in namespaces of their own, found by the node's cgroups)
# and of the node itself (containerd, shims, docker-proxy: found by its network namespace).
node_pids() {
  local i=$1
  # cgroup v1 (a hierarchy per controller) or v2 (one).
  cat "$cgroup_root"/*/"scanopy-swarm-node$i"/tasks "$cgroup_root"/*/"scanopy-swarm-node$i"/*/tasks \
    "$cgroup_root/scanopy-swarm-node$i"/cgroup.procs "$cgroup_root/scanopy-swarm-node$i"/*/cgroup.procs 2>/dev/null | sort -u
  ip netns pids "$(node_ns "$i")" 2>/dev/null
}

stop() {
  local i pid deadline controller
  local -a nodes
  mapfile -t nodes < <(node_numbers)
  # Every dockerd at once: each stops its containers (--shutdown-timeout) and leaves.
  for i in "${nodes[@]}"; do
    pid=$(cat "$(node_dir "$i")/dockerd.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  deadline=$((SECONDS + 20))
  for i in "${nodes[@]}"; do
    pid=$(cat "$(node_dir "$i")/dockerd.pid" 2>/dev/null || true)
    while [ -n "$pid" ] && running "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  done
  # Then whatever is left (containerd, shims, a container dockerd could not stop): TERM, and KILL
  # after a bounded wait.
  for i in "${nodes[@]}"; do
    # shellcheck disable=SC2046 # one pid a word
    kill -TERM $(node_pids "$i") 2>/dev/null || true
  done
  deadline=$((SECONDS + 10))
  for i in "${nodes[@]}"; do
    while [ -n "$(node_pids "$i")" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    # shellcheck disable=SC2046
    kill -KILL $(node_pids "$i") 2>/dev/null || true
  done
  for i in "${nodes[@]}"; do
    ip netns delete "$(node_ns "$i")"
    # The node's cgroups (empty now), deepest first.
    for controller in "$cgroup_root"/ "$cgroup_root"/*/; do
      [ -d "${controller}scanopy-swarm-node$i" ] || continue
      find "${controller}scanopy-swarm-node$i" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
    log "node $i stopped"
  done
  if ip link show "$host_leg" >/dev/null 2>&1; then ip link delete "$host_leg"; fi
  if [ -e "/run/netns/$lan" ]; then ip netns delete "$lan"; fi
  if mountpoint -q "$data"; then
    umount "$data" || umount --lazy "$data"
  fi
  rmdir "$data" 2>/dev/null || true
  log "stopped"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  inside-node) inside_node "$2" ;;
  *) echo "usage: $0 start [N] | stop" >&2; exit 2 ;;
esac
