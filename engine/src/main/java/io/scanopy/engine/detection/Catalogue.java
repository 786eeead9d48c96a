package io.scanopy.engine.detection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.scanopy.engine.files.UserFileException;
import io.scanopy.engine.files.UserFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The service catalogue: the built-in definitions ({@code catalogue.json} beside this class,
 * schema {@code catalogue.schema.json}), optionally merged with a user file (JSON or YAML) whose
 * definitions replace built-in ones with the same id and add the rest. Every file is checked
 * here, with the line of each fault.
 */
public final class Catalogue {
    /** HTTP paths go into the probe command as arguments: only these characters are accepted. */
    public static final Pattern SAFE_PATH = Pattern.compile("^/[A-Za-z0-9._~/-]{0,200}$");
    /**
     * The greetings the exec probe knows how to send (its script holds their bytes): each is
     * read-only and needs no login.
     */
    public static final Set<String> GREETINGS = Set.of("redis-ping", "memcached-version", "postgresql-sslrequest");
    /**
     * A probe specification passed to the exec probe: a port or {@code *}, a colon, a safe path;
     * or a port, {@code =} and a greeting's name.
     */
    public static final Pattern PROBE_SPEC = Pattern.compile("^((\\*|[0-9]{1,5}):/[A-Za-z0-9._~/-]{0,200}|[0-9]{1,5}=(redis-ping|memcached-version|postgresql-sslrequest))$");
    private static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9.-]*$");
    private static final Set<String> TOP_KEYS = Set.of("$schema", "version", "services");
    private static final Set<String> SERVICE_KEYS = Set.of("id", "name", "category", "rules");
    private static final Set<String> RULE_KEYS = Set.of("id", "confidence", "image", "port", "name", "label", "http", "banner");
    private static final Set<String> HTTP_KEYS = Set.of("path", "status", "title", "body", "header");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<ServiceDefinition> definitions;

    private Catalogue(List<ServiceDefinition> definitions) {
        this.definitions = List.copyOf(definitions);
    }

    /**
     * @return the built-in catalogue (parsed once; it is immutable)
     */
    public static Catalogue builtIn() {
        return BuiltIn.CATALOGUE;
    }

    /** Holder: the resource is parsed on first use, once. */
    private static final class BuiltIn {
        static final Catalogue CATALOGUE = load();

        private static Catalogue load() {
            try (InputStream in = Catalogue.class.getResourceAsStream("catalogue.json")) {
                return new Catalogue(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in catalogue.json", false));
            } catch (IOException | CatalogueException e) {
                throw new IllegalStateException("the built-in catalogue is broken: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The built-in catalogue merged with a user file.
     *
     * @param userFile a JSON or YAML catalogue (same form as the built-in one)
     * @return the merged catalogue
     * @throws CatalogueException naming the file, the line and the reason
     */
    public static Catalogue withUserFile(Path userFile) throws CatalogueException {
        String text;
        try {
            text = new String(UserFiles.read(userFile, "--catalog", UserFiles.Kind.CATALOGUE), StandardCharsets.UTF_8);
        } catch (UserFileException e) {
            throw new CatalogueException(e.getMessage());
        }
        String name = userFile.getFileName().toString().toLowerCase(Locale.ROOT);
        List<ServiceDefinition> user = parse(text, userFile.toString(), name.endsWith(".yaml") || name.endsWith(".yml"));
        Map<String, ServiceDefinition> merged = new LinkedHashMap<>();
        builtIn().definitions.forEach(d -> merged.put(d.id(), d));
        user.forEach(d -> merged.put(d.id(), d));
        return new Catalogue(new ArrayList<>(merged.values()));
    }

    /**
     * @return every definition, built-in order first, user additions after
     */
    public List<ServiceDefinition> definitions() {
        return definitions;
    }

    /**
     * A definition by id or (case-insensitive) name, as the {@code scanopy.service} label names it.
     *
     * @param idOrName the id or name
     * @return the definition
     */
    public Optional<ServiceDefinition> find(String idOrName) {
        String wanted = idOrName.strip();
        return definitions.stream().filter(d -> d.id().equals(wanted) || d.name().equalsIgnoreCase(wanted)).findFirst();
    }

    /**
     * What the exec probe asks for: {@code *:/} first (every listening port, which also tells
     * whether the port speaks HTTP), then {@code PORT:PATH} for a rule that names its port and
     * {@code *:PATH} for one that does not, and {@code PORT=GREETING} for a banner rule that
     * sends one (the probe sends a port the first it is given). Inside a container a service listens on its own
     * port (publishing remaps only outside), so most paths are asked of one port, not all.
     *
     * @return the probe specifications, each matching {@link #PROBE_SPEC}
     */
    public List<String> execProbes() {
        Set<String> specs = new LinkedHashSet<>();
        specs.add("*:/");
        for (ServiceDefinition d : definitions) {
            for (ServiceDefinition.Rule r : d.rules()) {
                if (r.http() != null) {
                    specs.add((r.port() == null ? "*" : r.port().toString()) + ":" + r.http().path());
                }
                if (r.banner() != null && r.banner().send() != null) {
                    specs.add(r.port() + "=" + r.banner().send());
                }
            }
        }
        return List.copyOf(specs);
    }

    /**
     * @return every HTTP path some rule probes, {@code /} first
     */
    public List<String> httpPaths() {
        Set<String> paths = new LinkedHashSet<>();
        paths.add("/");
        for (ServiceDefinition d : definitions) {
            for (ServiceDefinition.Rule r : d.rules()) {
                if (r.http() != null) {
                    paths.add(r.http().path());
                }
            }
        }
        return List.copyOf(paths);
    }

    private static List<ServiceDefinition> parse(String text, String source, boolean yaml) throws CatalogueException {
        JsonFactory factory = yaml ? new YAMLFactory() : new JsonFactory();
        List<ServiceDefinition> result = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        try (Reader reader = new java.io.StringReader(text); JsonParser parser = factory.createParser(reader)) {
            parser.setCodec(MAPPER);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw fault(source, parser.currentTokenLocation(), "expected an object with \"services\": [...]");
            }
            boolean sawServices = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonLocation fieldAt = parser.currentTokenLocation();
                parser.nextToken();
                if (!TOP_KEYS.contains(field)) {
                    throw fault(source, fieldAt, "unknown key '" + field + "' (known: services, version, $schema)");
                }
                if (!field.equals("services")) {
                    parser.skipChildren();
                    continue;
                }
                sawServices = true;
                if (parser.currentToken() != JsonToken.START_ARRAY) {
                    throw fault(source, fieldAt, "\"services\" must be a list");
                }
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    JsonLocation at = parser.currentTokenLocation();
                    JsonNode node = parser.readValueAsTree();
                    ServiceDefinition definition = definition(node, source, at);
                    if (!ids.add(definition.id())) {
                        throw fault(source, at, "service id '" + definition.id() + "' is defined twice");
                    }
                    result.add(definition);
                }
            }
            if (!sawServices) {
                throw new CatalogueException("Catalogue " + source + ": no \"services\" list");
            }
        } catch (JsonProcessingException e) {
            throw fault(source, e.getLocation(), "not valid " + (yaml ? "YAML" : "JSON") + " (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new CatalogueException("Catalogue " + source + ": " + e.getMessage());
        }
        return result;
    }

    private static ServiceDefinition definition(JsonNode node, String source, JsonLocation at) throws CatalogueException {
        if (!node.isObject()) {
            throw fault(source, at, "each service must be an object with id, name, category and rules");
        }
        keys(node, SERVICE_KEYS, source, at, "service");
        String id = text(node, "id", source, at, true);
        String where = "service '" + id + "': ";
        if (!ID.matcher(id).matches()) {
            throw fault(source, at, where + "id must be lower-case letters, digits, '.' or '-'");
        }
        String name = text(node, "name", source, at, true);
        String category = text(node, "category", source, at, true);
        JsonNode rules = node.get("rules");
        if (rules == null || !rules.isArray() || rules.isEmpty()) {
            throw fault(source, at, where + "needs a non-empty \"rules\" list");
        }
        List<ServiceDefinition.Rule> parsed = new ArrayList<>();
        for (JsonNode rule : rules) {
            parsed.add(rule(rule, source, at, where));
        }
        return new ServiceDefinition(id, name, category, parsed);
    }

    private static ServiceDefinition.Rule rule(JsonNode node, String source, JsonLocation at, String where) throws CatalogueException {
        if (!node.isObject()) {
            throw fault(source, at, where + "each rule must be an object");
        }
        keys(node, RULE_KEYS, source, at, where + "rule");
        String id = text(node, "id", source, at, true);
        where = where + "rule '" + id + "': ";
        JsonNode confidence = node.get("confidence");
        if (confidence == null || !confidence.isNumber() || confidence.asDouble() <= 0 || confidence.asDouble() > 1) {
            throw fault(source, at, where + "confidence must be a number in (0, 1]");
        }
        Pattern image = regex(node, "image", source, at, where);
        Pattern name = regex(node, "name", source, at, where);
        Integer port = null;
        if (node.has("port")) {
            if (!node.get("port").isInt() || node.get("port").asInt() < 1 || node.get("port").asInt() > 65535) {
                throw fault(source, at, where + "port must be an integer from 1 to 65535");
            }
            port = node.get("port").asInt();
        }
        String labelKey = null;
        Pattern labelValue = null;
        if (node.has("label")) {
            JsonNode label = node.get("label");
            keys(label, Set.of("key", "value"), source, at, where + "label");
            labelKey = text(label, "key", source, at, true);
            labelValue = regex(label, "value", source, at, where);
        }
        ServiceDefinition.Http http = node.has("http") ? http(node.get("http"), source, at, where) : null;
        ServiceDefinition.Banner banner = node.has("banner") ? banner(node.get("banner"), source, at, where) : null;
        if (http != null && banner != null) {
            throw fault(source, at, where + "gives both http and banner: a port answers one or the other (make two rules)");
        }
        if (banner != null && banner.send() != null && port == null) {
            throw fault(source, at, where + "banner.send needs the rule's port: a greeting is sent only to the port a rule names");
        }
        if (image == null && name == null && port == null && labelKey == null && http == null && banner == null) {
            throw fault(source, at, where + "gives no condition (image, port, name, label, http or banner)");
        }
        return new ServiceDefinition.Rule(id, confidence.asDouble(), image, port, name, labelKey, labelValue, http, banner);
    }

    private static ServiceDefinition.Banner banner(JsonNode node, String source, JsonLocation at, String where) throws CatalogueException {
        keys(node, Set.of("pattern", "send"), source, at, where + "banner");
        Pattern pattern = regex(node, "pattern", source, at, where + "banner.");
        if (pattern == null) {
            throw fault(source, at, where + "banner needs a \"pattern\"");
        }
        String send = text(node, "send", source, at, false);
        if (send != null && !GREETINGS.contains(send)) {
            throw fault(source, at, where + "banner.send '" + send + "' is not a greeting the probe knows (known: " + String.join(", ", GREETINGS.stream().sorted().toList()) + ")");
        }
        return new ServiceDefinition.Banner(pattern, send);
    }

    private static ServiceDefinition.Http http(JsonNode node, String source, JsonLocation at, String where) throws CatalogueException {
        keys(node, HTTP_KEYS, source, at, where + "http");
        String path = text(node, "path", source, at, true);
        if (!SAFE_PATH.matcher(path).matches()) {
            throw fault(source, at, where + "http.path '" + path + "' must match " + SAFE_PATH.pattern() + " (it is passed to the probe)");
        }
        int min = 100;
        int max = 599;
        if (node.has("status")) {
            JsonNode status = node.get("status");
            if (!status.isArray() || status.size() != 2 || !status.get(0).isInt() || !status.get(1).isInt() || status.get(0).asInt() > status.get(1).asInt()) {
                throw fault(source, at, where + "http.status must be [min, max]");
            }
            min = status.get(0).asInt();
            max = status.get(1).asInt();
        }
        String headerName = null;
        Pattern headerValue = null;
        if (node.has("header")) {
            JsonNode header = node.get("header");
            keys(header, Set.of("name", "pattern"), source, at, where + "http.header");
            headerName = text(header, "name", source, at, true).toLowerCase(Locale.ROOT);
            headerValue = regex(header, "pattern", source, at, where);
        }
        return new ServiceDefinition.Http(path, min, max, regex(node, "title", source, at, where), regex(node, "body", source, at, where), headerName, headerValue);
    }

    private static void keys(JsonNode node, Set<String> allowed, String source, JsonLocation at, String where) throws CatalogueException {
        if (!node.isObject()) {
            throw fault(source, at, where + " must be an object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw fault(source, at, where + ": unknown key '" + name + "' (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode node, String key, String source, JsonLocation at, boolean required) throws CatalogueException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw fault(source, at, "missing \"" + key + "\"");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw fault(source, at, "\"" + key + "\" must be a non-empty string");
        }
        return value.asText();
    }

    private static Pattern regex(JsonNode node, String key, String source, JsonLocation at, String where) throws CatalogueException {
        String text = text(node, key, source, at, false);
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw fault(source, at, where + key + " is not a valid regex (" + e.getDescription() + ")");
        }
    }

    private static CatalogueException fault(String source, JsonLocation at, String reason) {
        return new CatalogueException("Catalogue " + source + (at != null && at.getLineNr() > 0 ? " line " + at.getLineNr() : "") + ": " + reason);
    }
}
