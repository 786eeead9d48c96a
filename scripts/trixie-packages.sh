#!/usr/bin/env bash
# Unpacks Debian trixie packages (not their dependencies) into a folder, for tools the tests need
# in versions bookworm does not ship: engine-docker26.sh (docker.io, containerd) and compose-v2.sh
# (docker-compose 2.x). Downloads with a private apt configuration — its own sources, lists, cache
# and an empty dpkg status; the host's apt state is untouched — from the mirror the host's apt
# already uses. Bounded: apt is given 4 minutes a step. The folder appears whole or not at all.
#
# Usage: trixie-packages.sh DEST PACKAGE...
set -euo pipefail

log() { echo "trixie-packages: $*" >&2; }

[ $# -ge 2 ] || { log "usage: trixie-packages.sh DEST PACKAGE..."; exit 1; }
dest=$1
shift

# The mirror the host's apt already uses for its own release (deb822 .sources or one-line .list).
host_mirror() {
  local file codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v want="$codename" '
      function found() { return uri != "" && (" " suites " ") ~ (" " want " ") }
      /^[[:space:]]*$/ { if (found()) { print uri; uri = ""; exit } uri = ""; suites = ""; next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { suites = $0; sub(/^Suites:[[:space:]]*/, "", suites) }
      END { if (found()) print uri }
    ' "$file"
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v want="$codename" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { if ($(i+1) == want) print $i; break } }' "$file"
  done
}

mirror=$(host_mirror)
mirror=${mirror%%$'\n'*}
if [ -z "$mirror" ]; then
  log "found no Debian mirror for this release in /etc/apt/sources.list or /etc/apt/sources.list.d/: add one (e.g. http://deb.debian.org/debian) and run again"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work" "$dest.partial"' EXIT
apt_root=$work/apt
mkdir -p "$apt_root/etc/sources.list.d" "$apt_root/etc/preferences.d" "$apt_root/etc/apt.conf.d" \
  "$apt_root/state/lists/partial" "$apt_root/cache/archives/partial" "$work/debs"
: >"$apt_root/state/status"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$apt_root/etc/sources.list"
cat >"$apt_root/apt.conf" <<CONF
Dir::Etc "$apt_root/etc";
Dir::Etc::sourcelist "$apt_root/etc/sources.list";
Dir::Etc::sourceparts "$apt_root/etc/sources.list.d";
Dir::Etc::preferencesparts "$apt_root/etc/preferences.d";
Dir::Etc::parts "$apt_root/etc/apt.conf.d";
Dir::State "$apt_root/state";
Dir::State::status "$apt_root/state/status";
Dir::Cache "$apt_root/cache";
Acquire::Languages "none";
CONF
log "downloading trixie's $* from $mirror (private apt root)"
export APT_CONFIG=$apt_root/apt.conf
timeout 240 apt-get -qq -o APT::Sandbox::User=root update
(cd "$work/debs" && timeout 240 apt-get -qq -o APT::Sandbox::User=root download "$@")
rm -rf "$dest.partial"
for deb in "$work/debs"/*.deb; do dpkg -x "$deb" "$dest.partial"; done
rm -rf "$dest"
mv "$dest.partial" "$dest"
log "unpacked into $dest: $(cd "$work/debs" && echo *.deb)"
