package io.scanopy.engine.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.inventory.Inventory;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The inventory's JSON form (documented in {@code docs/inventory.md}; its JSON Schema is
 * {@code inventory.schema.json} beside this class, in the engine jar). Deterministic: properties and map keys sorted, lists
 * already ordered by the engine, nulls left out, enums as lower-case words, times as ISO-8601.
 */
public final class InventoryJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule("scanopy-enums")
                    .addSerializer(new LowerCaseEnumSerializer())
                    .addSerializer(DockerEndpoint.class, new EndpointSerializer()))
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private InventoryJson() {
    }

    /**
     * @return the configured mapper (shared; do not reconfigure)
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * @param inventory the inventory
     * @return its JSON text, ending with a newline
     */
    public static String toJson(Inventory inventory) {
        try {
            return MAPPER.writeValueAsString(inventory) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("inventory cannot be serialised", e);
        }
    }

    /**
     * Writes the JSON to a stream (left open).
     *
     * @param inventory the inventory
     * @param out the stream
     * @throws IOException when writing fails
     */
    public static void write(Inventory inventory, OutputStream out) throws IOException {
        out.write(toJson(inventory).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
    }

    /** An endpoint reads as what it is on the wire: {@code GET /containers/{id}/json}. */
    private static final class EndpointSerializer extends StdSerializer<DockerEndpoint> {
        EndpointSerializer() {
            super(DockerEndpoint.class);
        }

        @Override
        public void serialize(DockerEndpoint value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.method() + " " + value.pathTemplate());
        }
    }

    /** {@code LIST_ONLY} becomes {@code list-only}: JSON consumers expect lower-case words. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class LowerCaseEnumSerializer extends StdSerializer<Enum> {
        LowerCaseEnumSerializer() {
            super(Enum.class);
        }

        @Override
        public void serialize(Enum value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }
}
