package io.scanopy.engine.live;

import io.scanopy.spi.inventory.Inventory;

/**
 * The live inventory at one moment, with its JSON form made once for every reader.
 *
 * @param lastChangeId the id of the last change it includes
 * @param inventory the inventory
 * @param json its JSON text (the same schema as {@code discover}), UTF-8
 * @param etag a strong entity tag for it, quoted
 */
public record Snapshot(long lastChangeId, Inventory inventory, byte[] json, String etag) {
}
