package io.scanopy.engine.detection;

import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.ExecOutput;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
 * or spill into another; frames out of the script's own order, which only another process writing
 * into the probe's output can make, void the whole output ({@link #TAMPERED}); answers are capped at 64 KiB, requests at 2-3 s, and the whole output
 * at {@link #MAX_OUTPUT} bytes (a probe past it keeps its whole frames before the cap and says
 * it was capped, not that it timed out). The Engine API cannot stop an exec, so the script is given its
 * limit in seconds and a watchdog inside it kills its own process group when the limit is up:
 * nothing of a probe outlives its limit by more than a second, whether or not anyone still
 * waits for it (a deadline passed, the process was stopped). Without a shell a second exec reads
 * the proc files with {@code cat}, so listening ports are still known.
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
    /** The limitation of a probe whose output held frames the probe did not write: none of it is used. */
    static final String TAMPERED = "its output held frames the probe did not write (another process in the container wrote into it), so none of it is used";
    /** The limitation of a probe whose output passed {@link #MAX_OUTPUT}: what it says on the container's note. */
    static final String CAPPED = "its output passed the exec's " + MAX_OUTPUT / (1024 * 1024) + " MiB cap: what came after was dropped, the answers before it are kept";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]*");
    /** The frames the probe prints at most once. */
    private static final Set<String> ONCE = Set.of("PORTS", "CLIENT", "RAW", "DENIED", "UNBOUNDED", "DONE");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The probe script ({@code probe.sh} beside this class): $1 is the marker, $2 the limit in
     * whole seconds, the other arguments PORT:PATH or *:PATH, *:/ first.
     */
    static final String SCRIPT = loadScript();

    /**
     * How long past its limit we wait for a probe's exec to end: the script kills itself at the
     * limit, so its stream normally ends well within this. A worker takes its next container
     * only once the exec has ended, which keeps the concurrency limit true.
     */
    static final Duration GRACE = Duration.ofSeconds(2);

    private static String loadScript() {
        try (var in = ExecProbe.class.getResourceAsStream("probe.sh")) {
            if (in == null) {
                throw new IllegalStateException("probe.sh is missing from the engine jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read probe.sh from the engine jar", e);
        }
    }

    private ExecProbe() {
    }

    /**
     * @return the probe script, for benchmarks and tests that run it themselves (with the same
     *     arguments: marker, limit in seconds, catalogue specs)
     */
    public static String script() {
        return SCRIPT;
    }

    /**
     * Probes a container as the given user; where the probe cannot run as that user (the exec
     * cannot start, or a file it needs is not readable or executable for it), once more as the
     * container's own user, and the result says why. Every run fits in the limit: the script
     * is told the seconds left and kills itself, and everything it started, when they are up.
     *
     * @param docker the engine
     * @param containerId the container
     * @param probes what to ask for ({@link Catalogue#execProbes()}), each matching {@link Catalogue#PROBE_SPEC}
     * @param limit how long probing this container may take in all (whole seconds count; at least 1 s)
     * @param user who to run as ({@link DetectionOptions#execUser()}), or null for the container's own user
     * @return what was found
     */
    public static ProbeResult probe(DockerConnection docker, String containerId, List<String> probes, Duration limit, String user) {
        for (String probe : probes) {
            if (!Catalogue.PROBE_SPEC.matcher(probe).matches()) {
                throw new IllegalArgumentException("unsafe probe: " + probe);
            }
        }
        probes = withoutRepeats(probes);
        long end = System.nanoTime() + limit.toNanos();
        Attempt first = attempt(docker, containerId, probes, end, user);
        if (user == null || first.deniedAsUser() == null) {
            return first.result();
        }
        // Without a shell the script cannot run as anyone: straight to cat as the container's user.
        Attempt own = first.noShell() ? withoutShell(docker, containerId, null, Duration.ofNanos(Math.max(0, end - System.nanoTime())).plus(GRACE))
                : attempt(docker, containerId, probes, end, null);
        return own.result().withUserFallback("as " + user + " " + first.deniedAsUser(), first.execs() + own.execs());
    }

    /**
     * The specifications with none the probe would repeat: a PORT:PATH whose *:PATH is there too
     * asks that port the same path again. The script then asks each port each path once, so an
     * answer repeated in its output was not its own ({@link #fromTheProbe}).
     *
     * @param probes the specifications, *:/ first
     * @return the same, in order, without repeats
     */
    static List<String> withoutRepeats(List<String> probes) {
        Set<String> kept = new java.util.LinkedHashSet<>();
        for (String probe : probes) {
            int colon = probe.indexOf(':');
            if (colon < 0 || probe.startsWith("*:") || !probes.contains("*" + probe.substring(colon))) {
                kept.add(probe);
            }
        }
        return List.copyOf(kept);
    }

    /**
     * @param end the container's limit, as {@link System#nanoTime()}
     * @return the time left until then in whole seconds, rounded (what the script's watchdog takes: sleep counts whole seconds)
     */
    static long secondsLeft(long end) {
        return Math.max(0, (end - System.nanoTime() + 500_000_000L) / 1_000_000_000L);
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

    private static Attempt attempt(DockerConnection docker, String containerId, List<String> probes, long end, String user) {
        long seconds = secondsLeft(end);
        if (seconds < 1) {
            return new Attempt(ProbeResult.unavailable("the probe's time was up before it could run", 0).cutShort(), null);
        }
        String marker = "scanopy-" + HexFormat.of().formatHex(randomBytes());
        List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, "scanopy-probe", marker, Long.toString(seconds)));
        command.addAll(probes);
        ExecOutput first = docker.exec(containerId, command, user, Duration.ofSeconds(seconds).plus(GRACE), MAX_OUTPUT);
        if (first.gone() != null) {
            return new Attempt(ProbeResult.gone(first.gone(), first.execId() == null ? 0 : 1), null);
        }
        if (first.failure() != null && first.output().length == 0) {
            return new Attempt(ProbeResult.notRun("exec failed: " + first.failure()), permissionDenied(first.failure()) ? "the exec could not start (permission denied)" : null);
        }
        String text = first.text();
        if (first.truncated()) {
            // The cap cut the last line short: only whole frames are read.
            text = text.substring(0, text.lastIndexOf('\n') + 1);
        }
        String timedOut = "the probe timed out after " + seconds + " s";
        if (!text.contains(marker + " PORTS")) {
            if (permissionDenied(text)) {
                return new Attempt(ProbeResult.unavailable("the probe could not start: permission denied", 1), "the shell could not start (permission denied)");
            }
            // The exit code only tells why a probe printed nothing (no shell: 126/127); a probe
            // that answered needs no extra round trip.
            Long exitCode = first.timedOut() || first.execId() == null ? null : docker.execExitCode(first.execId()).orElse(null);
            if (exitCode != null && (exitCode == 126 || exitCode == 127) || text.contains("executable file not found")) {
                Attempt cat = withoutShell(docker, containerId, user, Duration.ofNanos(Math.max(0, end - System.nanoTime())).plus(GRACE));
                return new Attempt(cat.result(), cat.deniedAsUser(), true, 1 + cat.execs());
            }
            return new Attempt(first.timedOut() ? ProbeResult.unavailable(timedOut, 1).cutShort() : ProbeResult.unavailable("the probe produced no result", 1), null);
        }
        List<String> denied = denied(text, marker);
        // Past the cap the DONE frame is dropped with the rest: the cap, not the limit, ended what was read.
        boolean capped = first.truncated();
        // No DONE frame otherwise: the watchdog ended the probe at its limit (or we stopped waiting).
        boolean finished = capped || text.contains(marker + " DONE");
        ProbeResult result = parse(text, marker, 1, capped ? CAPPED : !finished ? timedOut + " (it stopped itself there); answers so far are kept" : null);
        if (TAMPERED.equals(result.limitation())) {
            // Its DENIED frame may be forged too: no second run as another user because of it.
            return new Attempt(result, null);
        }
        return new Attempt(finished ? result : result.cutShort(),
                denied.isEmpty() ? null : "could not use " + String.join(", ", denied) + " (not readable or not executable for that user)");
    }

    /** No shell: {@code cat} the proc files, so at least the listening ports are known. */
    private static Attempt withoutShell(DockerConnection docker, String containerId, String user, Duration wait) {
        ExecOutput cat = docker.exec(containerId, List.of("cat", "/proc/net/tcp", "/proc/net/tcp6"), user, wait, MAX_OUTPUT);
        if (cat.gone() != null) {
            return new Attempt(ProbeResult.gone(cat.gone(), 2), null, true, cat.execId() == null ? 0 : 1);
        }
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
    private static final Set<String> DENIABLE = Set.of("/proc/net/tcp", "/proc/net/tcp6", "curl", "nc", "python3", "wget", "bash", "od", "tr", "sleep");

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
        List<BannerAnswer> banners = new ArrayList<>();
        boolean unbounded = false;
        Set<String> seen = new HashSet<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith(marker + " ")) {
                continue;
            }
            String[] f = line.substring(marker.length() + 1).split(" ", -1);
            if ((seen.contains("DONE") || ONCE.contains(f[0])) && !fromTheProbe(f[0], null, seen, ports)) {
                return ProbeResult.unavailable(TAMPERED, execs);
            }
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
                case "UNBOUNDED" -> unbounded = true;
                case "BANNER" -> {
                    // PORT GREETING HEX: the greeting is one this probe knows, or "-" for none.
                    if (f.length == 4 && f[1].matches("[0-9]{1,5}") && (f[2].equals("-") || Catalogue.GREETINGS.contains(f[2]))
                            && HEX.matcher(f[3]).matches() && f[3].length() % 2 == 0 && !f[3].isEmpty()) {
                        if (!fromTheProbe("BANNER " + f[1], Integer.parseInt(f[1]), seen, ports)) {
                            return ProbeResult.unavailable(TAMPERED, execs);
                        }
                        banners.add(new BannerAnswer(Integer.parseInt(f[1]), f[2].equals("-") ? null : f[2], BannerAnswer.render(HexFormat.of().parseHex(f[3]))));
                    }
                }
                case "HTTP" -> {
                    if (f.length == 4 && f[1].matches("[0-9]{1,5}") && HEX.matcher(f[3]).matches() && f[3].length() % 2 == 0) {
                        if (!fromTheProbe("HTTP " + f[1] + " " + f[2], Integer.parseInt(f[1]), seen, ports)) {
                            return ProbeResult.unavailable(TAMPERED, execs);
                        }
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
        } else if (unbounded && limitation == null) {
            limitation = "no sleep in the container, so the probe could not bound its own run time: it asked nothing over HTTP (listening ports only)";
        }
        return new ProbeResult(execs, ports, answers, banners, client, limitation, false, null, false, null);
    }

    /**
     * Whether a well-formed frame fits the probe's own order, which the script keeps whatever a
     * container says: PORTS, CLIENT, RAW, DENIED, UNBOUNDED and DONE at most once, nothing after
     * DONE, an answer or banner only for a port PORTS listed and once per port (and path).
     * Answers are hex, so no answer makes a frame: a frame out of this order was written into
     * the probe's output by another process (one running as the probe's user may open it under
     * /proc), and then none of the output can be trusted.
     *
     * @param kind the frame's kind, and for an answer its port (and path)
     * @param port the port an answer or banner is for, or null for the other kinds
     * @param seen the frames so far, by kind; this one is added
     * @param ports the ports PORTS listed, or null before it
     */
    private static boolean fromTheProbe(String kind, Integer port, Set<String> seen, Set<Integer> ports) {
        return !seen.contains("DONE") && (port == null || ports != null && ports.contains(port)) && seen.add(kind);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

}
