package io.scanopy.engine.discovery;

import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.Note;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Composes what the targets found into one inventory with one entry per Docker engine: an
 * engine reached through several targets is one entry listing every way it was reached. The
 * one-shot discovery and the daemon's live inventory both compose here.
 */
public final class InventoryComposer {
    private InventoryComposer() {
    }

    /**
     * @param engines one entry per target that answered, in target order
     * @param notes notes that concern no single engine
     * @param generatedAt when the inventory was made
     * @return the inventory, engines ordered by id
     */
    public static Inventory compose(List<DockerEngine> engines, List<Note> notes, Instant generatedAt) {
        Map<String, DockerEngine> byId = new LinkedHashMap<>();
        for (DockerEngine engine : engines) {
            byId.merge(engine.id(), engine, InventoryComposer::sameEngine);
        }
        List<DockerEngine> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(DockerEngine::id));
        return new Inventory(Inventory.SCHEMA_VERSION, generatedAt, sorted, notes);
    }

    /**
     * The same engine reached twice: keep the description from the target that was allowed
     * more (the first on a tie), and record every way in.
     */
    private static DockerEngine sameEngine(DockerEngine first, DockerEngine second) {
        DockerEngine kept = allowedCount(second) > allowedCount(first) ? second : first;
        List<DockerEngine.Reach> reaches = new ArrayList<>(first.reachedVia());
        reaches.addAll(second.reachedVia());
        reaches.sort(Comparator.comparing(DockerEngine.Reach::target).thenComparing(DockerEngine.Reach::plugin));
        return new DockerEngine(kept.id(), kept.name(), kept.product(), kept.version(), kept.apiVersion(), kept.os(), reaches,
                kept.capabilities(), kept.containers(), kept.networks(), kept.notes(), kept.swarm());
    }

    private static long allowedCount(DockerEngine engine) {
        return engine.capabilities().checks().stream().filter(c -> c.status() == CapabilityReport.Status.ALLOWED).count();
    }
}
