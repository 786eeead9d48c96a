#!/usr/bin/env bash
# Makes the certificates of the HTTPS compose setup (deploy/compose/https) with openssl: a CA, a
# server certificate for the TLS proxy and a client certificate for scanopy-daemon, in DIR
# (default ./certs), the file names the user guide uses:
#
#   ca.pem           the CA certificate: HAProxy checks client certificates against it, the daemon
#                    the server's (SCANOPY_DOCKER_PROXY_SSL_CHAIN)                       0644
#   client-cert.pem  the daemon's certificate (SCANOPY_DOCKER_PROXY_SSL_CERT)            0644
#   client-key.pem   its key (SCANOPY_DOCKER_PROXY_SSL_KEY)         group 10001 (the daemon), 0640
#   server.pem       HAProxy's certificate and key (crt)            group 99 (haproxy),       0640
#
# The keys are not world-readable; each is readable by the one container user that needs it,
# through its group (the containers run as non-root users, and ./certs is bind-mounted, so the
# files keep these owners and modes inside). Giving a file to another group takes root: run it
# with sudo, or as a member of both groups. The CA's key is not kept: run the script again to
# renew everything (existing files are replaced).
#
# Usage: make-certs.sh [DIR]
#   SCANOPY_PROXY_HOST  the name the daemon reaches the TLS proxy by (default docker-proxy)
#   SCANOPY_CERT_DAYS   validity in days (default 825)
#   SCANOPY_DAEMON_GID  group of client-key.pem (default 10001, the scanopy-daemon image's user)
#   SCANOPY_PROXY_GID   group of server.pem (default 99, the haproxy image's user)
set -euo pipefail

fail() { echo "make-certs: $*" >&2; exit 1; }

[ $# -le 1 ] || fail "usage: make-certs.sh [DIR]"
dir=${1:-./certs}
host=${SCANOPY_PROXY_HOST:-docker-proxy}
days=${SCANOPY_CERT_DAYS:-825}
daemon_gid=${SCANOPY_DAEMON_GID:-10001}
proxy_gid=${SCANOPY_PROXY_GID:-99}
command -v openssl >/dev/null 2>&1 || fail "openssl is missing (Debian: apt-get install -y openssl)"
[[ $host =~ ^[A-Za-z0-9.-]+$ ]] || fail "SCANOPY_PROXY_HOST=$host is not a host name"
[[ $days =~ ^[1-9][0-9]*$ ]] || fail "SCANOPY_CERT_DAYS=$days is not a number of days"
[[ $daemon_gid =~ ^[0-9]+$ && $proxy_gid =~ ^[0-9]+$ ]] || fail "SCANOPY_DAEMON_GID and SCANOPY_PROXY_GID must be numeric group ids"

mkdir -p "$dir"
chmod 0755 "$dir"
# Everything is written private first; the modes above are set once the files are complete.
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# EC P-256 keys (PKCS#8): small and fast; scanopy-daemon and HAProxy take RSA as well.
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

newkey "$work/ca-key.pem"
openssl req -x509 -new -key "$work/ca-key.pem" -sha256 -days "$days" -subj "/CN=scanopy-daemon compose CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$work/ca.pem"

# sign NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA.
sign() {
  newkey "$work/$1-key.pem"
  openssl req -new -key "$work/$1-key.pem" -subj "$2" -out "$work/$1.csr"
  printf '%s\n' "$3" >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" -CAkey "$work/ca-key.pem" -CAcreateserial \
    -sha256 -days "$days" -extfile "$work/$1.ext" -out "$work/$1-cert.pem" 2>/dev/null
}
sign server "/CN=$host" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$host"
sign client "/CN=scanopy-daemon" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
cat "$work/server-cert.pem" "$work/server-key.pem" >"$work/server.pem"

# install FILE MODE GROUP: into DIR, replacing what was there, with its mode and group.
install_file() {
  chgrp "$3" "$work/$1" 2>/dev/null \
    || fail "cannot give $1 to group $3 (only root or a member of that group can): run make-certs.sh as root (sudo)"
  chmod "$2" "$work/$1"
  mv -f "$work/$1" "$dir/$1"
}
install_file ca.pem 0644 "$(id -g)"
install_file client-cert.pem 0644 "$(id -g)"
install_file client-key.pem 0640 "$daemon_gid"
install_file server.pem 0640 "$proxy_gid"
echo "make-certs: $dir: ca.pem, client-cert.pem, client-key.pem (group $daemon_gid), server.pem (group $proxy_gid, for $host); valid $days days"
