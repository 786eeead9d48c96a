#!/usr/bin/env bash
# Makes this machine ready for the test suite, idempotently: a Docker Engine running, a second, newer
# one beside it (scripts/engine-docker26.sh) and Podman (scripts/engine-podman.sh), what the test
# images are built from (static busybox, HAProxy, nginx, dash, bash), and docker-compose and openssl
# for the compose setups' tests. Written for Debian as root (our machines and CI); elsewhere it says
# what is missing instead of guessing.
set -euo pipefail

log() { echo "test-env: $*" >&2; }

need_packages=()
command -v dockerd >/dev/null 2>&1 || need_packages+=(docker.io)
# busybox-static's binary is statically linked: it runs in a FROM scratch image.
if ! { [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q "statically linked"; }; then
  need_packages+=(busybox-static)
fi
command -v file >/dev/null 2>&1 || need_packages+=(file)
# The socket-proxy replicas and the HTTPS proxy are HAProxy from Debian, copied into FROM scratch images.
[ -x /usr/sbin/haproxy ] || need_packages+=(haproxy)
# The LinuxServer socket-proxy replica is Debian's nginx, copied the same way.
[ -x /usr/sbin/nginx ] || need_packages+=(nginx-light)
# Test images with dash or bash as their only shell copy these from the host.
[ -x /bin/dash ] || need_packages+=(dash)
[ -x /bin/bash ] || need_packages+=(bash)
# The web page is tested in a real headless browser: Debian's Chromium and its driver.
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_packages+=(chromium-driver)
# The compose setups in deploy/compose are brought up with Debian's docker-compose (1.29).
command -v docker-compose >/dev/null 2>&1 || need_packages+=(docker-compose)
# deploy/make-certs.sh, which the HTTPS setup's test runs, makes its certificates with openssl.
command -v openssl >/dev/null 2>&1 || need_packages+=(openssl)
# The docker-ssh example's test logs in through OpenSSH's ssh-agent (ssh-agent, ssh-add).
command -v ssh-agent >/dev/null 2>&1 || need_packages+=(openssh-client)
command -v mvn >/dev/null 2>&1 || need_packages+=(maven)
command -v javac >/dev/null 2>&1 || need_packages+=(openjdk-17-jdk-headless)
# The daemon image (dist/src/image/build-image.sh): jlink needs the JDK's jmods, and strip.
[ -d /usr/lib/jvm/java-17-openjdk-amd64/jmods ] || need_packages+=(openjdk-17-jdk-headless)
command -v strip >/dev/null 2>&1 || need_packages+=(binutils)
# The benchmark's peak RSS rows (bench/, scripts/bench.sh) read GNU time's %M.
[ -x /usr/bin/time ] || need_packages+=(time)

if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing: ${need_packages[*]} — install them (Debian: apt-get install -y ${need_packages[*]}) and run again"
    exit 1
  fi
  log "installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi
# The test kit's DebianImages fetches real software with apt-get download: it needs package lists.
if [ "$(id -u)" -eq 0 ] && ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
  log "no apt package lists: apt-get update"
  apt-get update -qq
fi

start_engine() {
  if docker info >/dev/null 2>&1; then
    log "Docker Engine $(docker version --format '{{.Server.Version}}') already answers"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    log "no Docker Engine answers and this is not root: start dockerd (sudo dockerd &) and run again"
    exit 1
  fi
  log "starting dockerd (log: /var/log/scanopy-test-dockerd.log)"
  # A pid file left by a killed dockerd is handled by dockerd itself.
  # Started from / : it keeps its working directory, which must outlive any checkout.
  (cd / && exec nohup dockerd >/var/log/scanopy-test-dockerd.log 2>&1) &
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      log "Docker Engine $(docker version --format '{{.Server.Version}}') is up"
      return 0
    fi
    sleep 1
  done
  log "dockerd did not answer within 60 s; its log:"
  tail -n 30 /var/log/scanopy-test-dockerd.log >&2 || true
  exit 1
}

start_engine
# The second, newer engine some tests also run on (testkit/pom.xml, execution engine-docker26).
log "second engine: $("$(dirname "$0")/engine-docker26.sh")"
# Podman serving the Docker API, for the testkit's engine-podman execution (after both Docker
# engines: its subnets are checked against theirs).
"$(dirname "$0")/engine-podman.sh"
# Docker Compose v2 beside Debian's docker-compose 1.29: deploy-tests checks the compose files with both.
log "compose v2: $("$(dirname "$0")/compose-v2.sh")"
