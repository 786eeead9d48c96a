package io.scanopy.engine.discovery;

import io.scanopy.spi.inventory.Inventory;
import java.util.List;

/**
 * What a discovery produced: the inventory of every target that answered, and the targets that
 * failed (also recorded as notes in the inventory).
 *
 * @param inventory the composed inventory
 * @param failures the failed targets, in the order given
 */
public record DiscoveryResult(Inventory inventory, List<TargetFailure> failures) {

    /** Copies the list. */
    public DiscoveryResult {
        failures = List.copyOf(failures);
    }
}
