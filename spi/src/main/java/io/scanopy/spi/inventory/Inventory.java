package io.scanopy.spi.inventory;

import java.time.Instant;
import java.util.List;

/**
 * One discovery's result: every Docker engine reached, once each.
 *
 * @param schemaVersion the version of this model's JSON form ({@link #SCHEMA_VERSION})
 * @param generatedAt when discovery finished
 * @param engines the engines, ordered by id
 * @param notes notes that concern no single engine (a target that failed, for example)
 */
public record Inventory(int schemaVersion, Instant generatedAt, List<DockerEngine> engines, List<Note> notes) {
    /** The current schema version; raised on any incompatible change to the JSON form. */
    public static final int SCHEMA_VERSION = 1;

    /** Copies the lists. */
    public Inventory {
        engines = List.copyOf(engines);
        notes = List.copyOf(notes);
    }
}
