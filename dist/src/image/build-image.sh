#!/usr/bin/env bash
# Builds the image scanopy-daemon:VERSION (and :latest) without a registry: a FROM scratch image
# holding a Java runtime made with jlink, the distribution (lib/, plugins/ unpacked, conf/), the
# C libraries that runtime loads (as ldd lists them, copied from this machine), and /etc/passwd
# and /etc/group naming the non-root user it runs as. The build goes through the Docker Engine's
# build API (docker build); no base image is pulled.
#
# Usage: build-image.sh DISTRIBUTION.tar.gz VERSION WORK_DIR
#   JAVA_HOME  a JDK 17+ with jmods/ (Debian: apt-get install -y openjdk-17-jdk-headless);
#              default: the JDK of the javac on PATH.
#   DOCKER_HOST the engine to build on (default: the local socket).
# It fails, saying why, when no engine answers: the image is part of the build, never skipped
# silently (mvn -Dscanopy.image.skip=true skips it on purpose).
set -euo pipefail

log() { echo "build-image: $*" >&2; }
fail() { log "$*"; exit 1; }

[ $# -eq 3 ] || fail "usage: build-image.sh DISTRIBUTION.tar.gz VERSION WORK_DIR"
tarball=$(realpath -m "$1")
version=$2
work=$(realpath -m "$3")
image=scanopy-daemon

# Fixed ids, so a compose file can name them (user:, file ownership) and they match on every build.
readonly uid=10001 gid=10001
# Where things live inside the image; ENTRYPOINT and HEALTHCHECK below use the same paths.
readonly java_dir=/opt/java home_dir=/opt/scanopy-daemon
readonly cds_archive=$home_dir/lib/scanopy-cds.jsa
# The daemon's default port (ServerSettings.DEFAULT_PORT; ImageIT checks that they agree).
readonly port=60073

[ -f "$tarball" ] || fail "$tarball is missing — build the distribution first (mvn -B install -pl dist -am -DskipTests)"

command -v docker >/dev/null 2>&1 || fail "no docker command — apt-get install -y docker.io (scripts/test-env.sh does)"
server_version=$(docker version --format '{{.Server.Version}}' 2>/dev/null) \
  || fail "no Docker Engine answers${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST} — start dockerd (scripts/test-env.sh does), or skip the image on purpose with -Dscanopy.image.skip=true"

if [ -z "${JAVA_HOME:-}" ]; then
  javac=$(command -v javac) || fail "no JDK found — apt-get install -y openjdk-17-jdk-headless, or set JAVA_HOME"
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$javac")")")
fi
if [ ! -x "$JAVA_HOME/bin/jlink" ] || [ ! -d "$JAVA_HOME/jmods" ]; then
  fail "$JAVA_HOME has no jlink or no jmods/ — apt-get install -y openjdk-17-jdk-headless, or point JAVA_HOME at a full JDK"
fi

started=$(date +%s)
rm -rf "$work"
context=$work/context
rootfs=$context/rootfs
mkdir -p "$rootfs$home_dir" "$rootfs/etc" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"

# The distribution without bin/: its launcher is a shell script and the image has no shell;
# ENTRYPOINT runs java with the launcher's flags instead.
tar -xzf "$tarball" -C "$rootfs$home_dir" --strip-components=1
rm -rf "${rootfs:?}$home_dir/bin"

# Plugins unpacked now, as pf4j would at start-up, so a read-only plugins/ is used as it is:
# the directory is given the archive's time, which pf4j takes as up to date.
for archive in "$rootfs$home_dir"/plugins/*.zip; do
  unpacked=${archive%.zip}
  mkdir "$unpacked"
  (cd "$unpacked" && "$JAVA_HOME/bin/jar" -xf "$archive")
  touch -r "$archive" "$unpacked"
done

# The runtime: the modules jdeps finds in the libraries and plugins, plus the service providers
# it cannot see (jdk.zipfs: pf4j opens plugin jars as file systems; jdk.crypto.ec: EC keys and
# curves for an HTTPS proxy). AWT's native libraries stay out: java.desktop is there for
# java.beans only, and without them ldd lists no X11 libraries.
jars=("$rootfs$home_dir"/lib/*.jar)
plugin_jars=()
while IFS= read -r -d '' jar; do plugin_jars+=("$jar"); done < <(find "$rootfs$home_dir/plugins" -name '*.jar' -print0)
classpath=$(IFS=:; echo "${jars[*]}")
found=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 \
  --class-path "$classpath" "${jars[@]}" "${plugin_jars[@]}" 2>/dev/null | tail -n 1)
[[ $found =~ ^java\.base ]] || fail "jdeps found no module list (got: $found)"
modules=$found,jdk.zipfs,jdk.crypto.ec
log "jlink modules: $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  --exclude-files='glob:/java.desktop/lib/**' \
  --output "$rootfs$java_dir" >/dev/null
# The JVM's symbol table is for debuggers, a third of its size.
strip --strip-unneeded "$rootfs$java_dir/lib/server/libjvm.so"
# jlink copies this machine's CA bundle (Debian links the JDK's to /etc/ssl/certs/java/cacerts);
# the daemon trusts only the CA chain it is given for an HTTPS proxy, so the image holds none.
rm "$rootfs$java_dir/lib/security/cacerts"

# The C libraries (and the loader) the runtime loads, each copied as the file itself.
libraries=$(for binary in "$rootfs$java_dir/bin/java" "$rootfs$java_dir"/lib/*.so "$rootfs$java_dir/lib/server/libjvm.so"; do
  ldd "$binary" | grep -o '/[^ ]*' | grep -v "^$rootfs" || true
done | sort -u)
for library in $libraries; do
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done

cat >"$rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/nonexistent
scanopy:x:$uid:$gid:scanopy-daemon:/nonexistent:/nonexistent
EOF
cat >"$rootfs/etc/group" <<EOF
root:x:0:
scanopy:x:$gid:
EOF
# Names from /etc/hosts first, then DNS (Docker's embedded DNS for service names).
echo "hosts: files dns" >"$rootfs/etc/nsswitch.conf"

# The class-data-sharing archive is made at build time (lib/ is read-only in the container): the
# classes the health check and a plugin load use, listed by running them here, then dumped by the
# image's own java in a RUN step, so the archive's paths are the image's.
host_java=("$rootfs$java_dir/bin/java" -XX:-UsePerfData -Dscanopy.home="$rootfs$home_dir"
  -Dlogback.configurationFile="$rootfs$home_dir/conf/logback.xml" -cp "$rootfs$home_dir/lib/*")
classes=$work/classes
# Nothing listens on port 1: the health check runs its whole path to the failure it reports.
"${host_java[@]}" -XX:DumpLoadedClassList="$classes.health" io.scanopy.cli.ScanopyDaemon health --daemon-port 1 >/dev/null 2>&1 || true
"${host_java[@]}" -XX:DumpLoadedClassList="$classes.plugins" io.scanopy.cli.ScanopyDaemon plugins >/dev/null 2>&1 || true
# Classes from a plugin's own class loader name their host path: the dump cannot use those.
cat "$classes".* | grep -v 'source:' | sort -u >"$context/classes.lst"
[ -s "$context/classes.lst" ] || fail "no classes listed for the CDS archive"

# The launcher's flags (bin/scanopy-daemon), with the archive made here; perf data off (it
# writes to /tmp, which is read-only in a read-only container); UTF-8 output, as the image has
# no locales for the JVM to find it from.
jvm_flags='"-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:SharedArchiveFile='$cds_archive'", "-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=error:stderr", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8"'
app='"-Dscanopy.home='$home_dir'", "-Dlogback.configurationFile='$home_dir'/conf/logback.xml", "-cp", "'$home_dir'/lib/*", "io.scanopy.cli.ScanopyDaemon"'

# The health check's JVM lives half a second: a small heap, the serial collector (no GC threads).
cat >"$context/Dockerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY classes.lst $home_dir/lib/scanopy-cds.classlist
RUN ["$java_dir/bin/java", "-Xshare:dump", "-XX:SharedClassListFile=$home_dir/lib/scanopy-cds.classlist", "-XX:SharedArchiveFile=$cds_archive", "-cp", "$home_dir/lib/*"]
LABEL org.opencontainers.image.title="scanopy-daemon" org.opencontainers.image.version="$version"
USER $uid:$gid
ENV SCANOPY_BIND_ADDRESS=0.0.0.0
EXPOSE $port
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["$java_dir/bin/java", $jvm_flags, "-Xmx32m", "-XX:+UseSerialGC", $app, "health"]
ENTRYPOINT ["$java_dir/bin/java", $jvm_flags, $app]
EOF

log "building $image:$version on Docker Engine $server_version"
# The classic builder: the build API every engine answers, with no BuildKit component needed.
if ! output=$(DOCKER_BUILDKIT=0 docker build -t "$image:$version" -t "$image:latest" "$context" 2>&1); then
  echo "$output" >&2
  fail "docker build failed (context: $context)"
fi
size=$(docker image inspect --format '{{.Size}}' "$image:$version")
log "built $image:$version and $image:latest: $((size / 1000000)) MB in $(($(date +%s) - started)) s"
