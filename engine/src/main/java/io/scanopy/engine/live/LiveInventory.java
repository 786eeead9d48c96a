package io.scanopy.engine.live;

import io.scanopy.engine.discovery.InventoryComposer;
import io.scanopy.engine.json.InventoryJson;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.SwarmCluster;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The daemon's inventory, kept current by the target watchers and read by the HTTP API, the
 * web page and the {@code --out} file. Every change is numbered and kept in a bounded window so
 * a client that was away can catch up ({@link #changesSince}); the JSON form is made once per
 * change, not per reader. Thread-safe: writers and readers meet on one lock, and listeners are
 * told of each change in order, under it (they must only hand it on).
 */
public final class LiveInventory {
    /** Changes kept for clients resuming with {@code Last-Event-ID}, by default. */
    public static final int DEFAULT_WINDOW = 10_000;
    private static final Comparator<Network> NETWORK_ORDER = Comparator.comparing(Network::name).thenComparing(n -> n.id() == null ? "" : n.id());

    private final Clock clock;
    private final int window;
    private final Object lock = new Object();
    private final Map<String, TargetState> targets = new LinkedHashMap<>();
    private final ArrayDeque<Change> recent = new ArrayDeque<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> snapshotListeners = new CopyOnWriteArrayList<>();
    private long lastChangeId;
    private Instant lastModified;
    private Snapshot snapshot;

    /**
     * @param clock the clock for times in the inventory
     * @param window how many changes are kept for resuming clients
     */
    public LiveInventory(Clock clock, int window) {
        // Ids start from the clock (a thousand per millisecond), not from 1: they keep growing across
        // restarts, so an id a client kept from an earlier run is never taken for one of this run's.
        this(clock, window, clock.millis() * 1000);
    }

    LiveInventory(Clock clock, int window, long idsAfter) {
        this.clock = clock;
        this.window = window;
        this.lastModified = clock.instant();
        this.lastChangeId = idsAfter;
    }

    /** What is known of one target. */
    private static final class TargetState {
        final String label;
        TargetHealth.State state = TargetHealth.State.CONNECTING;
        String message;
        DockerEngine engine;
        final Map<String, Container> containers = new LinkedHashMap<>();
        final Map<String, Network> networks = new LinkedHashMap<>();
        /** What detection said, by code and subject: kept apart from the engine's own notes, which each full sync replaces. */
        final Map<String, Note> detectionNotes = new LinkedHashMap<>();
        Instant lastEvent;
        Instant lastResync;

        TargetState(String label) {
            this.label = label;
        }
    }

    private TargetState target(String label) {
        return targets.computeIfAbsent(label, TargetState::new);
    }

    /**
     * Names a target, so health lists it before it first connects.
     *
     * @param label the target's label
     */
    public void register(String label) {
        synchronized (lock) {
            target(label);
            invalidate();
        }
    }

    /**
     * Records where a target's connection stands.
     *
     * @param label the target
     * @param state the state
     * @param message why (for every state but connected), or null
     */
    public void setState(String label, TargetHealth.State state, String message) {
        synchronized (lock) {
            TargetState t = target(label);
            if (t.state != state || !Objects.equals(t.message, message)) {
                t.state = state;
                t.message = message;
                invalidate();
            }
        }
    }

    /**
     * Records that an event arrived for a target.
     *
     * @param label the target
     * @param at when
     */
    public void eventReceived(String label, Instant at) {
        synchronized (lock) {
            target(label).lastEvent = at;
        }
    }

    /**
     * Replaces everything known of a target with a full discovery: containers and networks that
     * are gone are removed, new ones added, different ones changed, and nothing is stale after.
     *
     * @param label the target
     * @param engine the engine as just discovered, with its containers and networks
     */
    public void replaceAll(String label, DockerEngine engine) {
        synchronized (lock) {
            TargetState t = target(label);
            SwarmCluster swarmBefore = t.engine == null ? null : t.engine.swarm();
            t.engine = engine;
            recordSwarm(t, swarmBefore, engine.swarm());
            Map<String, Container> fresh = new LinkedHashMap<>();
            engine.containers().forEach(c -> fresh.put(c.id(), c));
            for (String id : new ArrayList<>(t.containers.keySet())) {
                if (!fresh.containsKey(id)) {
                    removeContainerLocked(t, id);
                }
            }
            fresh.values().forEach(c -> putContainerLocked(t, c));
            Map<String, Network> freshNetworks = new LinkedHashMap<>();
            engine.networks().forEach(n -> freshNetworks.put(networkKey(n), n));
            for (String key : new ArrayList<>(t.networks.keySet())) {
                if (!freshNetworks.containsKey(key)) {
                    removeNetworkLocked(t, key);
                }
            }
            freshNetworks.values().forEach(n -> putNetworkLocked(t, n));
            t.lastResync = clock.instant();
            invalidate();
        }
    }

    /**
     * Replaces a target's Swarm cluster (read again after a service, node or task container event).
     *
     * @param label the target
     * @param swarm the cluster now, or null when the engine no longer manages one
     */
    public void replaceSwarm(String label, SwarmCluster swarm) {
        synchronized (lock) {
            TargetState t = target(label);
            if (t.engine == null) {
                return;
            }
            SwarmCluster before = t.engine.swarm();
            t.engine = t.engine.with(t.engine.containers(), t.engine.networks(), t.engine.notes(), swarm);
            recordSwarm(t, before, swarm);
        }
    }

    /** One change for the whole cluster: its parts change together (a scaled service changes its tasks). */
    private void recordSwarm(TargetState t, SwarmCluster before, SwarmCluster now) {
        if (Objects.equals(before, now)) {
            return;
        }
        String key = now != null ? Objects.requireNonNullElse(now.id(), "swarm") : Objects.requireNonNullElse(before.id(), "swarm");
        record(before == null ? Change.Kind.ADDED : now == null ? Change.Kind.REMOVED : Change.Kind.CHANGED, Change.SWARM, t, key, now);
    }

    /**
     * Adds or updates one container (a no-op when it is the same as known).
     *
     * @param label the target
     * @param container the container as just inspected
     */
    public void putContainer(String label, Container container) {
        synchronized (lock) {
            putContainerLocked(target(label), container);
        }
    }

    /**
     * Removes one container.
     *
     * @param label the target
     * @param id the container id
     */
    public void removeContainer(String label, String id) {
        synchronized (lock) {
            removeContainerLocked(target(label), id);
        }
    }

    /**
     * Adds or updates one network.
     *
     * @param label the target
     * @param network the network as just inspected
     */
    public void putNetwork(String label, Network network) {
        synchronized (lock) {
            putNetworkLocked(target(label), network);
        }
    }

    /**
     * Removes one network.
     *
     * @param label the target
     * @param id the network id
     */
    public void removeNetwork(String label, String id) {
        synchronized (lock) {
            removeNetworkLocked(target(label), id);
        }
    }

    /**
     * Replaces a target's networks (when they are derived from container addresses, they
     * follow the containers).
     *
     * @param label the target
     * @param networks the networks now
     */
    public void replaceNetworks(String label, List<Network> networks) {
        synchronized (lock) {
            TargetState t = target(label);
            Map<String, Network> fresh = new LinkedHashMap<>();
            networks.forEach(n -> fresh.put(networkKey(n), n));
            for (String key : new ArrayList<>(t.networks.keySet())) {
                if (!fresh.containsKey(key)) {
                    removeNetworkLocked(t, key);
                }
            }
            fresh.values().forEach(n -> putNetworkLocked(t, n));
        }
    }

    /**
     * @param label the target
     * @return the target's containers as known
     */
    public List<Container> containers(String label) {
        synchronized (lock) {
            TargetState t = targets.get(label);
            return t == null ? List.of() : List.copyOf(t.containers.values());
        }
    }

    /**
     * @param label the target
     * @return the target's networks as known
     */
    public List<Network> networks(String label) {
        synchronized (lock) {
            TargetState t = targets.get(label);
            return t == null ? List.of() : List.copyOf(t.networks.values());
        }
    }

    /**
     * Records what service detection said about a target (exec denied, a probe limited by no
     * shell, ...): each note replaces the one with the same code and subject.
     *
     * @param label the target
     * @param notes the notes
     */
    public void putDetectionNotes(String label, List<Note> notes) {
        synchronized (lock) {
            TargetState t = target(label);
            boolean changed = false;
            for (Note note : notes) {
                changed |= !note.equals(t.detectionNotes.put(note.code() + "\u0000" + note.subject(), note));
            }
            if (changed) {
                invalidate();
            }
        }
    }

    /**
     * Forgets what detection said about one container (it left).
     *
     * @param label the target
     * @param containerId the container
     */
    public void forgetDetectionNotes(String label, String containerId) {
        synchronized (lock) {
            TargetState t = targets.get(label);
            if (t != null && t.detectionNotes.values().removeIf(n -> containerId.equals(n.subject()))) {
                invalidate();
            }
        }
    }

    /**
     * Marks every container of a target stale: its engine cannot be reached, the records are
     * kept as last seen. The next full discovery clears the marks.
     *
     * @param label the target
     * @param lastSeen when they were last confirmed
     */
    public void markStale(String label, Instant lastSeen) {
        synchronized (lock) {
            TargetState t = target(label);
            for (Container c : new ArrayList<>(t.containers.values())) {
                if (c.stale() == null) {
                    putContainerLocked(t, c.asStale(lastSeen));
                }
            }
        }
    }

    /**
     * @param label the target
     * @param id a container id
     * @return the container as known, if it is
     */
    public Optional<Container> container(String label, String id) {
        synchronized (lock) {
            TargetState t = targets.get(label);
            return t == null ? Optional.empty() : Optional.ofNullable(t.containers.get(id));
        }
    }

    /**
     * @param label the target
     * @return the ids of the target's containers
     */
    public List<String> containerIds(String label) {
        synchronized (lock) {
            TargetState t = targets.get(label);
            return t == null ? List.of() : List.copyOf(t.containers.keySet());
        }
    }

    /**
     * Finds a container by id, or by a prefix of at least 12 characters that only one container has.
     *
     * @param idOrPrefix the id
     * @return the engine id and the container; empty when none or several match
     */
    public Optional<Map.Entry<String, Container>> findContainer(String idOrPrefix) {
        synchronized (lock) {
            Map.Entry<String, Container> found = null;
            for (TargetState t : targets.values()) {
                for (Container c : t.containers.values()) {
                    if (c.id().equals(idOrPrefix)) {
                        return Optional.of(Map.entry(t.engine == null ? "" : t.engine.id(), c));
                    }
                    if (idOrPrefix.length() >= 12 && c.id().startsWith(idOrPrefix)) {
                        if (found != null && !found.getValue().id().equals(c.id())) {
                            return Optional.empty();
                        }
                        found = Map.entry(t.engine == null ? "" : t.engine.id(), c);
                    }
                }
            }
            return Optional.ofNullable(found);
        }
    }

    /**
     * @return the inventory now, with its JSON and entity tag (made once per change)
     */
    public Snapshot snapshot() {
        synchronized (lock) {
            if (snapshot == null) {
                snapshot = makeSnapshot();
            }
            return snapshot;
        }
    }

    /**
     * @return every target's health, in configuration order
     */
    public List<TargetHealth> health() {
        synchronized (lock) {
            List<TargetHealth> result = new ArrayList<>();
            for (TargetState t : targets.values()) {
                result.add(new TargetHealth(t.label, t.state, t.engine == null ? null : t.engine.reachedVia().get(0).plugin(),
                        t.engine == null ? null : t.engine.id(), t.containers.size(), t.lastEvent, t.lastResync, t.message));
            }
            return result;
        }
    }

    /**
     * @return the id of the last change (before any: the number ids start after)
     */
    public long lastChangeId() {
        synchronized (lock) {
            return lastChangeId;
        }
    }

    /**
     * The changes after a given one, when they are still in the window.
     *
     * @param afterId the last change a client has seen
     * @return the changes after it, oldest first; empty when some were already dropped (the client must reload)
     */
    public Optional<List<Change>> changesSince(long afterId) {
        synchronized (lock) {
            if (afterId >= lastChangeId) {
                return Optional.of(List.of());
            }
            long oldestKept = recent.isEmpty() ? lastChangeId + 1 : recent.peekFirst().id();
            if (afterId < oldestKept - 1) {
                return Optional.empty();
            }
            return Optional.of(recent.stream().filter(c -> c.id() > afterId).toList());
        }
    }

    /**
     * Subscribes to changes from a given point on, atomically: what happened after
     * {@code afterId} is replayed first, then every new change follows, none lost in between.
     *
     * @param afterId the last change the subscriber has seen
     * @param listener told of each change, in order, under the inventory's lock: it must only hand it on
     * @return the subscription (close it to stop), or empty when {@code afterId} is out of the window
     */
    public Optional<AutoCloseable> subscribe(long afterId, Consumer<Change> listener) {
        synchronized (lock) {
            Optional<List<Change>> missed = changesSince(afterId);
            if (missed.isEmpty()) {
                return Optional.empty();
            }
            missed.get().forEach(listener);
            listeners.add(listener);
            return Optional.of(() -> listeners.remove(listener));
        }
    }

    /**
     * Calls a listener after each change or state change (for debounced consumers such as the
     * {@code --out} file).
     *
     * @param listener the listener; it must not block
     */
    public void onModified(Runnable listener) {
        snapshotListeners.add(listener);
    }

    private void putContainerLocked(TargetState t, Container container) {
        Container before = t.containers.put(container.id(), container);
        if (!container.equals(before)) {
            record(before == null ? Change.Kind.ADDED : Change.Kind.CHANGED, Change.CONTAINER, t, container.id(), container);
        }
    }

    private void removeContainerLocked(TargetState t, String id) {
        if (t.containers.remove(id) != null) {
            record(Change.Kind.REMOVED, Change.CONTAINER, t, id, null);
        }
    }

    private void putNetworkLocked(TargetState t, Network network) {
        String key = networkKey(network);
        Network before = t.networks.put(key, network);
        if (!network.equals(before)) {
            record(before == null ? Change.Kind.ADDED : Change.Kind.CHANGED, Change.NETWORK, t, key, network);
        }
    }

    private void removeNetworkLocked(TargetState t, String key) {
        if (t.networks.remove(key) != null) {
            record(Change.Kind.REMOVED, Change.NETWORK, t, key, null);
        }
    }

    private static String networkKey(Network network) {
        return network.id() != null ? network.id() : network.name();
    }

    private void record(Change.Kind kind, String type, TargetState t, String objectId, Object value) {
        Change change = new Change(++lastChangeId, kind, type, t.engine == null ? null : t.engine.id(), objectId, value);
        recent.addLast(change);
        while (recent.size() > window) {
            recent.removeFirst();
        }
        lastModified = clock.instant();
        invalidate();
        for (Consumer<Change> listener : listeners) {
            listener.accept(change);
        }
    }

    private void invalidate() {
        snapshot = null;
        for (Runnable listener : snapshotListeners) {
            listener.run();
        }
    }

    private Snapshot makeSnapshot() {
        List<DockerEngine> engines = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (TargetState t : targets.values()) {
            if (t.state == TargetHealth.State.RECONNECTING || t.state == TargetHealth.State.FAILED || t.state == TargetHealth.State.CONNECTING && t.message != null) {
                notes.add(new Note(t.engine == null ? Note.Level.ERROR : Note.Level.WARNING, "target-unreachable", t.label,
                        t.message + (t.engine == null ? "" : " — its containers are kept as last seen, marked stale")));
            }
            if (t.engine == null) {
                continue;
            }
            List<Container> containers = new ArrayList<>(t.containers.values());
            containers.sort(TargetSession.CONTAINER_ORDER);
            List<Network> networks = new ArrayList<>(t.networks.values());
            networks.sort(NETWORK_ORDER);
            DockerEngine e = t.engine;
            List<Note> engineNotes = new ArrayList<>(e.notes());
            engineNotes.addAll(t.detectionNotes.values());
            engines.add(e.with(containers, networks, engineNotes, e.swarm()));
        }
        Inventory inventory = InventoryComposer.compose(engines, notes, lastModified);
        byte[] json = InventoryJson.toJson(inventory).getBytes(StandardCharsets.UTF_8);
        return new Snapshot(lastChangeId, inventory, json, "\"" + sha256(json).substring(0, 32) + "\"");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
