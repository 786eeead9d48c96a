package io.scanopy.engine.detection;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.DetectedService.Evidence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a container against the catalogue, from what the Docker API shows (image, name,
 * labels, exposed and published ports) and, when probing ran, from the listening ports and HTTP
 * answers. A service's confidence is that of its strongest matching rule; every matching rule
 * is evidence.
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

    /**
     * Matches one container.
     *
     * @param container the container
     * @param listeningPorts ports seen listening inside it, or null when unknown
     * @param answers HTTP answers seen (by exec or on published ports)
     * @param httpRoute the route those answers came by: {@code exec} or {@code published-port}
     * @return detected services, strongest first
     */
    public List<DetectedService> match(Container container, Set<Integer> listeningPorts, List<HttpAnswer> answers, String httpRoute) {
        Set<Integer> ports = new HashSet<>();
        container.ports().stream().filter(p -> p.protocol().equals("tcp")).forEach(p -> ports.add(p.privatePort()));
        if (listeningPorts != null) {
            ports.addAll(listeningPorts);
        }
        List<DetectedService> found = new ArrayList<>();
        for (ServiceDefinition definition : catalogue.definitions()) {
            List<Evidence> evidence = new ArrayList<>();
            double confidence = 0;
            for (ServiceDefinition.Rule rule : definition.rules()) {
                Evidence e = evaluate(rule, container, ports, answers, httpRoute);
                if (e != null) {
                    evidence.add(e);
                    confidence = Math.max(confidence, rule.confidence());
                }
            }
            if (!evidence.isEmpty()) {
                found.add(new DetectedService(definition.id(), definition.name(), confidence, evidence));
            }
        }
        found.sort(Comparator.comparingDouble(DetectedService::confidence).reversed().thenComparing(DetectedService::definitionId));
        return found;
    }

    private static Evidence evaluate(ServiceDefinition.Rule rule, Container container, Set<Integer> ports, List<HttpAnswer> answers, String httpRoute) {
        if (rule.image() != null && (container.image() == null || !rule.image().matcher(container.image()).find())) {
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
        if (rule.port() != null && !ports.contains(rule.port()) && rule.http() == null) {
            return null;
        }
        HttpAnswer answer = null;
        if (rule.http() != null) {
            answer = answers.stream().filter(a -> rule.port() == null || a.port() == rule.port() || isPublishedAs(container, rule.port(), a.port(), httpRoute))
                    .filter(a -> httpMatches(rule.http(), a)).findFirst().orElse(null);
            if (answer == null) {
                return null;
            }
        }
        String route = answer != null ? httpRoute
                : rule.image() != null ? "image"
                : rule.labelKey() != null ? "label"
                : rule.name() != null ? "name" : "port";
        String detail = answer != null ? "GET " + answer.path() + " answered " + answer.status() + answer.title().map(t -> ", title \"" + t + "\"").orElse("")
                : rule.image() != null ? "image " + container.image()
                : rule.labelKey() != null ? "label " + rule.labelKey() + "=" + container.labels().get(rule.labelKey())
                : rule.name() != null ? "container name " + container.names()
                : "TCP port " + rule.port() + " exposed or listening";
        return new Evidence(route, rule.id(), answer != null ? Integer.valueOf(answer.port()) : rule.port(), answer != null ? answer.path() : null,
                answer != null ? answer.status() : null, detail);
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
