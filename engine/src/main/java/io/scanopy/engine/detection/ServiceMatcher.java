package io.scanopy.engine.detection;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.DetectedService.Evidence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Matches a container against the catalogue, from what the Docker API shows (image, name,
 * labels, exposed and published ports) and, when probing ran, from the listening ports and HTTP
 * answers. A service's confidence combines the kinds of evidence that agree (see {@code combined});
 * every matching rule is evidence. What the probe read outranks guesses: a port that answered
 * HTTP no rule recognised drops the port-only guesses for it and is reported as an unrecognised
 * HTTP service; so does a port whose banner no rule recognised (an unrecognised TCP service).
 */
public final class ServiceMatcher {
    /** Label that names the container's service (catalogue id or name), overriding detection. */
    public static final String SERVICE_LABEL = "scanopy.service";
    /** Label that hides a container from the inventory when {@code true}. */
    public static final String IGNORE_LABEL = "scanopy.ignore";

    private final Catalogue catalogue;

    /**
     * @param catalogue the catalogue
     */
    public ServiceMatcher(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * @param container a container
     * @return true when its {@code scanopy.ignore} label hides it
     */
    public static boolean ignored(Container container) {
        return "true".equalsIgnoreCase(container.labels().getOrDefault(IGNORE_LABEL, "").strip());
    }

    /**
     * The note that says which containers the {@code scanopy.ignore} label hid, by name, so a
     * container missing from the inventory is never a mystery.
     *
     * @param hidden the hidden containers
     * @return the note, or empty when none was hidden
     */
    public static Optional<Note> hiddenNote(List<Container> hidden) {
        if (hidden.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = hidden.stream().map(Container::displayName).sorted().toList();
        return Optional.of(new Note(Note.Level.INFO, "hidden", String.join(",", names),
                names.size() + " container(s) hidden by the label " + IGNORE_LABEL + "=true: " + String.join(", ", names)));
    }

    /**
     * The service a {@code scanopy.service} label forces, if any.
     *
     * @param container the container
     * @return the forced service (confidence 1), or empty
     */
    public Optional<DetectedService> forced(Container container) {
        String value = container.labels().get(SERVICE_LABEL);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Evidence evidence = new Evidence("label", SERVICE_LABEL, null, null, null, "label " + SERVICE_LABEL + "=" + value.strip());
        return Optional.of(catalogue.find(value)
                .map(d -> new DetectedService(d.id(), d.name(), 1.0, List.of(evidence)))
                .orElse(new DetectedService(value.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-"), value.strip(), 1.0, List.of(evidence))));
    }

    /**
     * Whether the API alone identifies the container conclusively (an image or label rule at
     * confidence 0.8 or more): used by {@code --exec-policy when-needed}.
     *
     * @param container the container
     * @return true when probing cannot add much
     */
    public boolean conclusiveWithoutProbe(Container container) {
        return forced(container).isPresent()
                || match(container, null, List.of(), "port").stream().anyMatch(s -> s.confidence() >= 0.8
                && s.evidence().stream().anyMatch(e -> e.route().equals("image") || e.route().equals("label")));
    }

    /** The id of the service reported for a port that answered HTTP no rule recognised. */
    public static final String UNRECOGNISED_HTTP = "unrecognised-http";
    /** The id of the service reported for a port whose banner no rule recognised. */
    public static final String UNRECOGNISED_BANNER = "unrecognised-banner";
    /** What the probe knows of such a port: it speaks HTTP (or says something), not what it is. Above a port guess, below any recognition. */
    static final double UNRECOGNISED_HTTP_CONFIDENCE = 0.5;
    /** The catalogue category of servers that host applications: an application recognised in one ranks above it. */
    static final String WEB_SERVER = "web-server";
    /** Longest title or header value quoted in evidence. */
    private static final int QUOTE_MAX = 120;

    /**
     * Matches one container.
     *
     * @param container the container
     * @param listeningPorts ports seen listening inside it, or null when unknown
     * @param answers HTTP answers seen (by exec or on published ports)
     * @param httpRoute the route those answers came by: {@code exec} or {@code published-port}
     * @return detected services, strongest first (see {@link #rank})
     */
    public List<DetectedService> match(Container container, Set<Integer> listeningPorts, List<HttpAnswer> answers, String httpRoute) {
        return match(container, listeningPorts, answers, List.of(), httpRoute);
    }

    /**
     * Matches one container, with the banners the exec probe read too.
     *
     * @param container the container
     * @param listeningPorts ports seen listening inside it, or null when unknown
     * @param answers HTTP answers seen (by exec or on published ports)
     * @param banners what ports that do not speak HTTP said (by exec)
     * @param httpRoute the route the HTTP answers came by: {@code exec} or {@code published-port}
     * @return detected services, strongest first (see {@link #rank})
     */
    public List<DetectedService> match(Container container, Set<Integer> listeningPorts, List<HttpAnswer> answers, List<BannerAnswer> banners, String httpRoute) {
        Set<Integer> listening = listeningPorts == null ? Set.of() : listeningPorts;
        Set<Integer> ports = new HashSet<>(listening);
        container.ports().stream().filter(p -> p.protocol().equals("tcp")).forEach(p -> ports.add(p.privatePort()));
        Optional<ImageReference> image = ImageReference.parse(container.image());
        List<List<Hit>> hitsByDefinition = new ArrayList<>();
        // Container ports that answered HTTP, and those whose answer some rule recognised.
        Map<Integer, HttpAnswer> answered = new LinkedHashMap<>();
        for (HttpAnswer a : answers) {
            answered.merge(containerPort(container, a, httpRoute), a, (first, later) -> later.path().equals("/") ? later : first);
        }
        Set<Integer> bannered = new HashSet<>();
        banners.forEach(b -> bannered.add(b.port()));
        // Which definitions recognised what each port answered or announced.
        Map<Integer, Set<Integer>> recognisedBy = new HashMap<>();
        for (int i = 0; i < catalogue.definitions().size(); i++) {
            List<Hit> hits = new ArrayList<>();
            for (ServiceDefinition.Rule rule : catalogue.definitions().get(i).rules()) {
                Hit hit = evaluate(rule, container, image, ports, listening, answers, banners, httpRoute);
                if (hit != null) {
                    hits.add(hit);
                    if (hit.answer() != null) {
                        recognisedBy.computeIfAbsent(containerPort(container, hit.answer(), httpRoute), p -> new HashSet<>()).add(i);
                    }
                    if (hit.banner() != null) {
                        recognisedBy.computeIfAbsent(hit.banner().port(), p -> new HashSet<>()).add(i);
                    }
                }
            }
            hitsByDefinition.add(hits);
        }
        Set<Integer> recognised = recognisedBy.keySet();
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < hitsByDefinition.size(); i++) {
            // A port guess stands only where the probe read nothing from that port, or what it read this
            // definition recognised: SSH announced on MySQL's port is not MySQL, whether or not a rule knows SSH.
            int definition = i;
            List<Hit> kept = hitsByDefinition.get(i).stream()
                    .filter(h -> h.kind() != Kind.PORT || !answered.containsKey(h.rule().port()) && !bannered.contains(h.rule().port())
                            || recognisedBy.getOrDefault(h.rule().port(), Set.of()).contains(definition))
                    .toList();
            if (!kept.isEmpty()) {
                found.add(Found.of(catalogue.definitions().get(i), kept));
            }
        }
        List<Evidence> unrecognised = new ArrayList<>();
        answered.forEach((port, a) -> {
            if (!recognised.contains(port)) {
                unrecognised.add(new Evidence(httpRoute, UNRECOGNISED_HTTP, a.port(), a.path(), a.status(),
                        answerDetail(a, "server") + "; no catalogue rule recognised it"));
            }
        });
        if (!unrecognised.isEmpty()) {
            found.add(unrecognised(UNRECOGNISED_HTTP, "HTTP service", unrecognised));
        }
        List<Evidence> unrecognisedBanners = new ArrayList<>();
        for (BannerAnswer b : banners) {
            if (!recognised.contains(b.port()) && !b.firstLine().isEmpty() && unrecognisedBanners.stream().noneMatch(e -> e.port() == b.port())) {
                unrecognisedBanners.add(new Evidence("exec", UNRECOGNISED_BANNER, b.port(), null, null,
                        bannerDetail(b) + "; no catalogue rule recognised it"));
            }
        }
        if (!unrecognisedBanners.isEmpty()) {
            found.add(unrecognised(UNRECOGNISED_BANNER, "TCP service", unrecognisedBanners));
        }
        return rank(found);
    }

    /** A service the probe saw speaking that no rule recognised: ranked as what the probe knows of it, above a port guess. */
    private static Found unrecognised(String id, String name, List<Evidence> evidence) {
        return new Found(new DetectedService(id, name, UNRECOGNISED_HTTP_CONFIDENCE, evidence), false, false, UNRECOGNISED_HTTP_CONFIDENCE, 1);
    }

    /** What a banner evidence says: the port, the greeting if one was sent, and the first line. */
    private static String bannerDetail(BannerAnswer banner) {
        return (banner.greeting() == null ? "port " + banner.port() + " announced" : "port " + banner.port() + " answered " + banner.greeting() + " with")
                + " \"" + quote(banner.firstLine()) + "\"";
    }

    /** The kinds of evidence: each counts once in a service's confidence. */
    private enum Kind {
        /** An HTTP answer read by the probe or on a published port matched. */
        HTTP,
        /** A banner the probe read matched: as strong a kind as HTTP, and independent of it. */
        BANNER,
        IMAGE,
        LABEL,
        NAME,
        /** A port rule alone: a guess. */
        PORT
    }

    /** One rule that matched: its kind of evidence, its confidence, the answer or banner it read. */
    private record Hit(ServiceDefinition.Rule rule, Kind kind, double confidence, HttpAnswer answer, BannerAnswer banner, Evidence evidence) {
    }

    /**
     * A service found, with what ranks it.
     *
     * @param service the service
     * @param webServer whether it is a server applications run in
     * @param appByHttp whether it is an application an HTTP rule recognised
     * @param strongest its strongest single piece of evidence: the tie-break after confidence
     * @param kinds how many kinds of evidence agree
     */
    private record Found(DetectedService service, boolean webServer, boolean appByHttp, double strongest, long kinds) {
        static Found of(ServiceDefinition definition, List<Hit> hits) {
            boolean webServer = definition.category().equals(WEB_SERVER);
            return new Found(new DetectedService(definition.id(), definition.name(), combined(hits), hits.stream().map(Hit::evidence).toList()),
                    webServer, !webServer && hits.stream().anyMatch(h -> h.kind() == Kind.HTTP),
                    hits.stream().mapToDouble(Hit::confidence).max().orElse(0), hits.stream().map(Hit::kind).distinct().count());
        }
    }

    /**
     * Confidence combines independent kinds of evidence: the strongest rule of each kind (http,
     * banner, image, label, name, port) counts once, and {@code 1 - (1 - c1)(1 - c2)...} over the kinds,
     * so kinds that agree rank above any one of them alone, and two rules of one kind add nothing.
     */
    private static double combined(List<Hit> hits) {
        Map<Kind, Double> strongestByKind = new java.util.EnumMap<>(Kind.class);
        hits.forEach(h -> strongestByKind.merge(h.kind(), h.confidence(), Math::max));
        double doubt = 1;
        for (double c : strongestByKind.values()) {
            doubt *= 1 - c;
        }
        return Math.round((1 - doubt) * 1000) / 1000.0;
    }

    /**
     * Strongest first: by confidence, except that a web server ranks just below an application
     * an HTTP rule recognised in the same container (a CMS under Apache is what the container
     * runs); then by the strongest single piece of evidence, then by how many kinds agree; then
     * catalogue order. Never by name.
     */
    private static List<DetectedService> rank(List<Found> found) {
        double hostedApp = found.stream().filter(Found::appByHttp).mapToDouble(f -> f.service().confidence()).max().orElse(-1);
        Predicate<Found> hosting = f -> hostedApp >= 0 && f.webServer();
        ToDoubleFunction<Found> rankedAs = f -> hosting.test(f) ? Math.min(f.service().confidence(), hostedApp) : f.service().confidence();
        Comparator<Found> order = Comparator.comparingDouble(rankedAs).reversed()
                .thenComparing(f -> hosting.test(f))
                .thenComparing(Comparator.comparingDouble(Found::strongest).reversed())
                .thenComparing(Comparator.comparingLong(Found::kinds).reversed());
        // List.sort is stable: what no key tells apart keeps catalogue order.
        return found.stream().sorted(order).map(Found::service).toList();
    }

    private static Hit evaluate(ServiceDefinition.Rule rule, Container container, Optional<ImageReference> image, Set<Integer> ports, Set<Integer> listening,
            List<HttpAnswer> answers, List<BannerAnswer> banners, String httpRoute) {
        // Image rules look at the repository path only: a registry host names no software.
        if (rule.image() != null && image.map(i -> !rule.image().matcher(i.path()).find()).orElse(true)) {
            return null;
        }
        if (rule.name() != null && container.names().stream().noneMatch(n -> rule.name().matcher(n).find())) {
            return null;
        }
        if (rule.labelKey() != null) {
            String value = container.labels().get(rule.labelKey());
            if (value == null || (rule.labelValue() != null && !rule.labelValue().matcher(value).find())) {
                return null;
            }
        }
        if (rule.port() != null && !ports.contains(rule.port()) && rule.http() == null && rule.banner() == null) {
            return null;
        }
        if (rule.banner() != null) {
            ServiceDefinition.Banner wanted = rule.banner();
            BannerAnswer banner = banners.stream().filter(b -> rule.port() == null || b.port() == rule.port())
                    .filter(b -> wanted.send() == null || wanted.send().equals(b.greeting()))
                    .filter(b -> wanted.pattern().matcher(b.text()).find()).findFirst().orElse(null);
            if (banner == null) {
                return null;
            }
            return new Hit(rule, Kind.BANNER, rule.confidence(), null, banner, new Evidence("exec", rule.id(), banner.port(), null, null, bannerDetail(banner)));
        }
        HttpAnswer answer = null;
        if (rule.http() != null) {
            answer = answers.stream().filter(a -> rule.port() == null || a.port() == rule.port() || isPublishedAs(container, rule.port(), a.port(), httpRoute))
                    .filter(a -> httpMatches(rule.http(), a)).findFirst().orElse(null);
            if (answer == null) {
                return null;
            }
        }
        Kind kind = answer != null ? Kind.HTTP
                : rule.image() != null ? Kind.IMAGE
                : rule.labelKey() != null ? Kind.LABEL
                : rule.name() != null ? Kind.NAME : Kind.PORT;
        boolean seenListening = kind == Kind.PORT && listening.contains(rule.port());
        // A port the probe saw listening was seen by exec, not only declared.
        String route = answer != null ? httpRoute : seenListening ? "exec" : kind.name().toLowerCase(java.util.Locale.ROOT);
        String detail = switch (kind) {
            case HTTP -> answerDetail(answer, rule.http().headerName());
            case BANNER -> throw new IllegalStateException("banner rules return above");
            case IMAGE -> "image " + container.image();
            case LABEL -> "label " + rule.labelKey() + "=" + container.labels().get(rule.labelKey());
            case NAME -> "container name " + container.names();
            case PORT -> "TCP port " + rule.port() + (seenListening ? " listening (seen by the probe)" : " exposed or published");
        };
        Evidence evidence = new Evidence(route, rule.id(), answer != null ? Integer.valueOf(answer.port()) : rule.port(), answer != null ? answer.path() : null,
                answer != null ? answer.status() : null, detail);
        return new Hit(rule, kind, rule.confidence(), answer, null, evidence);
    }

    /** What was seen: the request, its status, the page title and the header that mattered (when the answer has them). */
    private static String answerDetail(HttpAnswer answer, String header) {
        StringBuilder detail = new StringBuilder("GET ").append(answer.path()).append(" answered ").append(answer.status());
        answer.title().filter(t -> !t.isEmpty()).ifPresent(t -> detail.append(", title \"").append(quote(t)).append('"'));
        String value = header == null ? null : answer.headers().get(header);
        if (value != null) {
            detail.append(", header ").append(header).append(": ").append(quote(value));
        }
        return detail.toString();
    }

    private static String quote(String text) {
        return text.length() <= QUOTE_MAX ? text : text.substring(0, QUOTE_MAX) + "...";
    }

    /** The container port an answer came from: on the published-port route answers carry the host port. */
    private static int containerPort(Container container, HttpAnswer answer, String route) {
        if (!route.equals("published-port")) {
            return answer.port();
        }
        return container.ports().stream().filter(p -> p.publicPort() != null && p.publicPort() == answer.port()).map(Container.Port::privatePort)
                .findFirst().orElse(answer.port());
    }

    /** On the published-port route, answers carry the host port: map the rule's container port to it. */
    private static boolean isPublishedAs(Container container, int containerPort, int answerPort, String route) {
        return route.equals("published-port") && container.ports().stream()
                .anyMatch(p -> p.privatePort() == containerPort && p.publicPort() != null && p.publicPort() == answerPort);
    }

    private static boolean httpMatches(ServiceDefinition.Http http, HttpAnswer a) {
        if (!a.path().equals(http.path()) || a.status() < http.minStatus() || a.status() > http.maxStatus()) {
            return false;
        }
        if (http.title() != null && a.title().map(t -> !http.title().matcher(t).find()).orElse(true)) {
            return false;
        }
        if (http.body() != null && !http.body().matcher(a.body()).find()) {
            return false;
        }
        if (http.headerName() != null) {
            String value = a.headers().get(http.headerName());
            return value != null && (http.headerValue() == null || http.headerValue().matcher(value).find());
        }
        return true;
    }
}
