package io.scanopy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.scanopy.engine.json.InventoryJson;

/**
 * The server's JSON: the inventory's mapper (same schema, sorted properties, lower-case enums,
 * nulls left out), without indentation so an object fits on one Server-Sent Events line.
 */
final class Json {
    private static final ObjectWriter COMPACT = InventoryJson.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * @param value a record, list or map
     * @return its JSON on one line
     */
    static String write(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
