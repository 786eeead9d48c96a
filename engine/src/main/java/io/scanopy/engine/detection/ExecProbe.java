package io.scanopy.engine.detection;

import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.ExecOutput;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Probes one container with a single exec: a fixed shell script reads the listening TCP ports
 * from /proc/net/tcp{,6}, then asks each port for the catalogue's paths with whatever HTTP
 * client the container has (curl, nc, python3, wget, then bash's /dev/tcp: raw answers first;
 * busybox 1.35's {@code wget -q -S} crashes, so wget runs without -q and its progress lines are
 * skipped). Only a random marker and paths checked against
 * {@link Catalogue#SAFE_PATH} are passed, as arguments — never anything taken from the
 * container. Every answer is hex-encoded inside the container, so no answer can forge a frame
 * or spill into another; answers are capped at 64 KiB, requests at 2 s, the exec at its timeout,
 * and the whole output at {@link #MAX_OUTPUT} bytes. Without a shell a second exec reads the
 * proc files with {@code cat}, so listening ports are still known.
 *
 * <p>The probe runs as an unprivileged user ({@code --exec-user}, 65534:65534 by default): the
 * proc files are world-readable and an HTTP client needs no privilege. Where that user cannot
 * run it — the exec cannot start, or the script finds a proc file unreadable or the client,
 * {@code od} or {@code tr} not executable (the shell answers 126) — it runs once more as the
 * container's own user, and the result says why: at most three execs in all.
 */
public final class ExecProbe {
    /** Output read from one exec at most; the rest is dropped. */
    public static final int MAX_OUTPUT = 4 * 1024 * 1024;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]*");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The probe script; $1 is the marker, the other arguments are PORT:PATH or *:PATH, *:/ first. */
    static final String SCRIPT = """
            set -f
            M="$1"; shift
            ports=""
            denied=""
            for f in /proc/net/tcp /proc/net/tcp6; do
              [ -e "$f" ] && ! [ -r "$f" ] && denied="$denied $f"
              [ -r "$f" ] || continue
              while read -r sl local rem st rest; do
                [ "$st" = "0A" ] || continue
                ports="$ports $((0x${local##*:}))"
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
            # As an unprivileged user a tool can be present but not executable (files not
            # world-readable): the shell answers 126. Said, so the daemon can run the probe as the
            # container's own user instead.
            if [ "$client" != none ]; then
              for t in "$client" od tr; do
                "$t" --help >/dev/null 2>&1 </dev/null
                [ $? = 126 ] && denied="$denied $t"
              done
            fi
            [ -n "$denied" ] && echo "$M DENIED$denied"
            [ "$client" = none ] && { echo "$M DONE"; exit 0; }
            # busybox nc's -w bounds only the connect: timeout(1), where present, bounds each request.
            T=""
            command -v timeout >/dev/null 2>&1 && T="timeout 3"
            fetch() {
              case "$client" in
                curl) curl -s -i --max-time 2 "http://127.0.0.1:$1$2" ;;
                wget) $T wget -S -O - -T 2 "http://127.0.0.1:$1$2" 2>&1 ;;
                python3) python3 -c 'import sys,socket
            s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),2); s.settimeout(2)
            s.sendall(("GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n"%sys.argv[2]).encode())
            n=0
            while n<65536:
                b=s.recv(8192)
                if not b: break
                sys.stdout.buffer.write(b); n+=len(b)' "$1" "$2" 2>/dev/null ;;
                bash) $T bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
            printf "GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n" "$2" >&3
            cat <&3' probe "$1" "$2" 2>/dev/null ;;
                nc) printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' "$2" | $T nc -w 2 127.0.0.1 "$1" 2>/dev/null ;;
              esac
            }
            for port in $uniq; do
              first=1
              for spec in "$@"; do
                want=${spec%%:*}; path=${spec#*:}
                [ "$want" = "*" ] || [ "$want" = "$port" ] || continue
                out=$(fetch "$port" "$path" | head -c 65536 | od -An -v -tx1 | tr -d ' \\n')
                echo "$M HTTP $port $path $out"
                if [ "$first" = 1 ]; then
                  first=0
                  case "$out" in *485454502f*) ;; *) break ;; esac
                fi
              done
            done
            echo "$M DONE"
            """;

    private ExecProbe() {
    }

    /**
     * Probes a container as the given user; where the probe cannot run as that user (the exec
     * cannot start, or a file it needs is not readable or executable for it), once more as the
     * container's own user, and the result says why.
     *
     * @param docker the engine
     * @param containerId the container
     * @param probes what to ask for ({@link Catalogue#execProbes()}), each matching {@link Catalogue#PROBE_SPEC}
     * @param timeout how long one exec may run
     * @param user who to run as ({@link DetectionOptions#execUser()}), or null for the container's own user
     * @return what was found
     */
    public static ProbeResult probe(DockerConnection docker, String containerId, List<String> probes, Duration timeout, String user) {
        for (String probe : probes) {
            if (!Catalogue.PROBE_SPEC.matcher(probe).matches()) {
                throw new IllegalArgumentException("unsafe probe: " + probe);
            }
        }
        Attempt first = attempt(docker, containerId, probes, timeout, user);
        if (user == null || first.deniedAsUser() == null) {
            return first.result();
        }
        // Without a shell the script cannot run as anyone: straight to cat as the container's user.
        Attempt own = first.noShell() ? withoutShell(docker, containerId, null, timeout) : attempt(docker, containerId, probes, timeout, null);
        return own.result().withUserFallback("as " + user + " " + first.deniedAsUser(), first.execs() + own.execs());
    }

    /**
     * One run of the probe as one user.
     *
     * @param result what it found
     * @param deniedAsUser what that user was denied, or null when nothing
     * @param noShell true when the container has no shell (the ports were read with cat)
     * @param execs execs this run created
     */
    private record Attempt(ProbeResult result, String deniedAsUser, boolean noShell, int execs) {
        Attempt(ProbeResult result, String deniedAsUser) {
            this(result, deniedAsUser, false, result.execs());
        }
    }

    private static Attempt attempt(DockerConnection docker, String containerId, List<String> probes, Duration timeout, String user) {
        String marker = "scanopy-" + HexFormat.of().formatHex(randomBytes());
        List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, "scanopy-probe", marker));
        command.addAll(probes);
        ExecOutput first = docker.exec(containerId, command, user, timeout, MAX_OUTPUT);
        if (first.failure() != null && first.output().length == 0) {
            return new Attempt(ProbeResult.notRun("exec failed: " + first.failure()), permissionDenied(first.failure()) ? "the exec could not start (permission denied)" : null);
        }
        String text = first.text();
        if (!text.contains(marker + " PORTS")) {
            if (permissionDenied(text)) {
                return new Attempt(ProbeResult.unavailable("the probe could not start: permission denied", 1), "the shell could not start (permission denied)");
            }
            // The exit code only tells why a probe printed nothing (no shell: 126/127); a probe
            // that answered needs no extra round trip.
            Long exitCode = first.timedOut() || first.execId() == null ? null : docker.execExitCode(first.execId()).orElse(null);
            if (exitCode != null && (exitCode == 126 || exitCode == 127) || text.contains("executable file not found")) {
                Attempt cat = withoutShell(docker, containerId, user, timeout);
                return new Attempt(cat.result(), cat.deniedAsUser(), true, 1 + cat.execs());
            }
            return new Attempt(ProbeResult.unavailable(first.timedOut() ? "the probe timed out after " + timeout.toSeconds() + " s" : "the probe produced no result", 1), null);
        }
        List<String> denied = denied(text, marker);
        return new Attempt(parse(text, marker, 1, first.timedOut() ? "the probe timed out after " + timeout.toSeconds() + " s; answers so far are kept"
                : first.truncated() ? "output over " + MAX_OUTPUT + " bytes was dropped" : null),
                denied.isEmpty() ? null : "could not use " + String.join(", ", denied) + " (not readable or not executable for that user)");
    }

    /** No shell: {@code cat} the proc files, so at least the listening ports are known. */
    private static Attempt withoutShell(DockerConnection docker, String containerId, String user, Duration timeout) {
        ExecOutput cat = docker.exec(containerId, List.of("cat", "/proc/net/tcp", "/proc/net/tcp6"), user, timeout, MAX_OUTPUT);
        Set<Integer> ports = new TreeSet<>();
        for (String line : cat.text().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length > 3 && f[3].equals("0A") && f[1].contains(":")) {
                try {
                    ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
                } catch (NumberFormatException e) {
                    // Not a proc line: ignore.
                }
            }
        }
        String denied = permissionDenied(cat.text()) || cat.failure() != null && permissionDenied(cat.failure())
                ? "cat could not read /proc/net/tcp (permission denied)" : null;
        // The result counts the shell's exec before it too; this run itself is the one cat.
        if (ports.isEmpty() && !cat.text().contains("local_address")) {
            return new Attempt(ProbeResult.unavailable("no shell and no cat in the container", 2), denied, true, 1);
        }
        return new Attempt(new ProbeResult(2, ports, List.of(), null, "no shell in the container: listening ports read with cat, no HTTP probing"), denied, true, 1);
    }

    private static boolean permissionDenied(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).contains("permission denied");
    }

    /** What the DENIED frame may name: the script's own files and tools, nothing else from the container. */
    private static final Set<String> DENIABLE = Set.of("/proc/net/tcp", "/proc/net/tcp6", "curl", "nc", "python3", "wget", "bash", "od", "tr");

    /** The files and tools the probe's DENIED frame names; empty when there is none. */
    static List<String> denied(String text, String marker) {
        for (String line : text.split("\n")) {
            if (line.startsWith(marker + " DENIED ")) {
                return java.util.Arrays.stream(line.substring((marker + " DENIED ").length()).strip().split(" +")).filter(DENIABLE::contains).distinct().toList();
            }
        }
        return List.of();
    }

    static ProbeResult parse(String text, String marker, int execs, String limitation) {
        Set<Integer> ports = null;
        String client = null;
        List<HttpAnswer> answers = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith(marker + " ")) {
                continue;
            }
            String[] f = line.substring(marker.length() + 1).split(" ", -1);
            switch (f[0]) {
                case "PORTS" -> {
                    ports = new TreeSet<>();
                    for (int i = 1; i < f.length; i++) {
                        if (f[i].matches("[0-9]{1,5}")) {
                            ports.add(Integer.parseInt(f[i]));
                        }
                    }
                }
                case "CLIENT" -> client = f.length > 1 ? f[1] : null;
                case "HTTP" -> {
                    if (f.length == 4 && f[1].matches("[0-9]{1,5}") && HEX.matcher(f[3]).matches() && f[3].length() % 2 == 0) {
                        String raw = new String(HexFormat.of().parseHex(f[3]), StandardCharsets.UTF_8);
                        HttpAnswer.parse(Integer.parseInt(f[1]), f[2], raw).ifPresent(answers::add);
                    }
                }
                default -> {
                    // DONE, or an unknown frame: nothing to take.
                }
            }
        }
        if ("none".equals(client) && limitation == null) {
            limitation = "no HTTP client (curl, nc, python3, wget, bash /dev/tcp) in the container: listening ports only";
        }
        return new ProbeResult(execs, ports, answers, client, limitation);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

}
