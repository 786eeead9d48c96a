package io.scanopy.engine.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.SwarmCluster;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveInventoryTest {
    private static final String TARGET = "local Docker";
    private final LiveInventory inventory = new LiveInventory(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC), 5, 0);

    static Container container(String id, String name, String state) {
        return new Container(id, List.of(name), "busybox", "sha256:1", state, "Up", Instant.EPOCH, Instant.EPOCH, Map.of(), null, "sh",
                List.of(), List.of(), List.of(), Container.Detail.INSPECT);
    }

    static DockerEngine engine(List<Container> containers, List<Network> networks) {
        return new DockerEngine("engine-1", "host", "20.10.24", "1.41", "linux", List.of(new DockerEngine.Reach(TARGET, "docker-direct", "unix:///var/run/docker.sock")),
                new CapabilityReport(List.of()), containers, networks, List.of());
    }

    private List<String> kinds(List<Change> changes) {
        return changes.stream().map(c -> c.kind() + " " + c.type() + " " + c.objectId()).toList();
    }

    @Test
    void aFullSyncIsDiffedAgainstWhatIsKnown() {
        Network bridge = new Network("n1", "bridge", "bridge", "local", false, List.of());
        inventory.replaceAll(TARGET, engine(List.of(container("a", "web", "running"), container("b", "db", "running")), List.of(bridge)));
        inventory.replaceAll(TARGET, engine(List.of(container("a", "web", "running"), container("c", "cache", "running")), List.of(bridge)));

        assertEquals(List.of("ADDED container a", "ADDED container b", "ADDED network n1", "REMOVED container b", "ADDED container c"),
                kinds(inventory.changesSince(0).orElseThrow()), "unchanged a and bridge cost no change the second time");
        assertEquals(5, inventory.lastChangeId());
    }

    @Test
    void theSameRecordTwiceIsNoChange() {
        inventory.putContainer(TARGET, container("a", "web", "running"));
        inventory.putContainer(TARGET, container("a", "web", "running"));
        inventory.putContainer(TARGET, container("a", "web2", "running"));
        assertEquals(List.of("ADDED container a", "CHANGED container a"), kinds(inventory.changesSince(0).orElseThrow()));
    }

    @Test
    void aClientBeyondTheWindowMustReload() {
        for (int i = 0; i < 8; i++) {
            inventory.putContainer(TARGET, container("c" + i, "n" + i, "running"));
        }
        assertEquals(Optional.empty(), inventory.changesSince(1), "changes 2 and 3 were dropped from a window of 5");
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), inventory.changesSince(3).orElseThrow().stream().map(Change::id).toList());
        assertEquals(List.of(), inventory.changesSince(8).orElseThrow());
    }

    @Test
    void aSubscriberGetsWhatItMissedThenEveryNewChangeInOrder() throws Exception {
        inventory.putContainer(TARGET, container("a", "web", "running"));
        inventory.putContainer(TARGET, container("b", "db", "running"));
        List<Long> seen = new ArrayList<>();
        try (AutoCloseable subscription = inventory.subscribe(1, c -> seen.add(c.id())).orElseThrow()) {
            inventory.removeContainer(TARGET, "a");
            assertEquals(List.of(2L, 3L), seen);
        }
        inventory.removeContainer(TARGET, "b");
        assertEquals(List.of(2L, 3L), seen, "nothing after the subscription is closed");
    }

    @Test
    void staleRecordsAreKeptWithLastSeenAndClearedByTheNextSync() {
        Instant seen = Instant.parse("2026-11-28T09:59:00Z");
        inventory.replaceAll(TARGET, engine(List.of(container("a", "web", "running")), List.of()));
        inventory.markStale(TARGET, seen);
        Container stale = inventory.container(TARGET, "a").orElseThrow();
        assertEquals(Boolean.TRUE, stale.stale());
        assertEquals(seen, stale.lastSeen());
        assertTrue(new String(inventory.snapshot().json()).contains("\"stale\" : true"));

        inventory.replaceAll(TARGET, engine(List.of(container("a", "web", "running")), List.of()));
        assertNull(inventory.container(TARGET, "a").orElseThrow().stale());
        assertEquals(1, inventory.containerIds(TARGET).size(), "kept once, never duplicated");
    }

    @Test
    void theSnapshotIsMadeOncePerChangeAndItsTagFollowsTheContent() {
        inventory.replaceAll(TARGET, engine(List.of(container("a", "web", "running")), List.of()));
        Snapshot first = inventory.snapshot();
        assertSame(first, inventory.snapshot(), "no change, no new JSON");
        inventory.putContainer(TARGET, container("a", "web", "running"));
        assertSame(first, inventory.snapshot(), "a put of the same record changes nothing");
        inventory.putContainer(TARGET, container("b", "db", "running"));
        Snapshot second = inventory.snapshot();
        assertNotEquals(first.etag(), second.etag());
        assertEquals(2, second.inventory().engines().get(0).containers().size());
        inventory.removeContainer(TARGET, "b");
        assertArrayEquals(first.json(), inventory.snapshot().json(), "the same content gives the same bytes");
    }

    @Test
    void anUnreachableTargetIsANoteAndItsHealthSaysWhy() {
        inventory.register(TARGET);
        inventory.setState(TARGET, TargetHealth.State.RECONNECTING, "connection refused");
        TargetHealth health = inventory.health().get(0);
        assertEquals(TargetHealth.State.RECONNECTING, health.state());
        assertEquals("connection refused", health.message());
        assertEquals("target-unreachable", inventory.snapshot().inventory().notes().get(0).code());
    }

    @Test
    void aContainerIsFoundByIdOrByAPrefixOnlyItHas() {
        inventory.putContainer(TARGET, container("0123456789abcdef01", "web", "running"));
        inventory.putContainer(TARGET, container("0123456789abffff02", "db", "running"));
        assertEquals("web", inventory.findContainer("0123456789abcdef01").orElseThrow().getValue().displayName());
        assertEquals("db", inventory.findContainer("0123456789abf").orElseThrow().getValue().displayName());
        assertEquals(Optional.empty(), inventory.findContainer("0123456789ab"), "a prefix two containers share names neither");
        assertEquals(Optional.empty(), inventory.findContainer("0123456789a"), "a prefix under 12 characters names nothing");
    }

    @Test
    void idsOfALaterRunStartAfterEveryIdOfAnEarlierOne() {
        LiveInventory earlier = new LiveInventory(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC), 5);
        for (int i = 0; i < 100; i++) {
            earlier.putContainer(TARGET, container("c" + i, "n" + i, "running"));
        }
        LiveInventory later = new LiveInventory(Clock.fixed(Instant.parse("2026-11-28T10:00:01Z"), ZoneOffset.UTC), 5);
        assertTrue(later.lastChangeId() > earlier.lastChangeId());
        assertEquals(Optional.empty(), later.changesSince(earlier.lastChangeId()), "an id from the earlier run is not this run's: reload");
    }

    @Test
    void detectionNotesJoinTheEngineNotesAndLeaveWithTheirContainer() {
        inventory.replaceAll(TARGET, engine(List.of(container("a", "web", "running")), List.of()));
        io.scanopy.spi.inventory.Note degraded = new io.scanopy.spi.inventory.Note(io.scanopy.spi.inventory.Note.Level.WARNING, "detection-degraded", null, "exec is denied");
        io.scanopy.spi.inventory.Note limited = new io.scanopy.spi.inventory.Note(io.scanopy.spi.inventory.Note.Level.INFO, "probe-limited", "a", "web: no shell");
        inventory.putDetectionNotes(TARGET, List.of(degraded, limited));
        inventory.putDetectionNotes(TARGET, List.of(degraded));
        assertEquals(List.of(degraded, limited), inventory.snapshot().inventory().engines().get(0).notes(), "each once, however often said");

        inventory.replaceAll(TARGET, engine(List.of(container("a", "web", "running")), List.of()));
        assertEquals(2, inventory.snapshot().inventory().engines().get(0).notes().size(), "a full sync keeps what detection said");
        inventory.forgetDetectionNotes(TARGET, "a");
        assertEquals(List.of(degraded), inventory.snapshot().inventory().engines().get(0).notes());
    }

    @Test
    void aSwarmClusterIsOneChangeWhenItDiffersAndIsInTheSnapshot() {
        inventory.replaceAll(TARGET, engine(List.of(), List.of()));
        SwarmCluster two = cluster(2);
        inventory.replaceSwarm(TARGET, two);
        inventory.replaceSwarm(TARGET, cluster(2));
        inventory.replaceSwarm(TARGET, cluster(3));
        // A full sync keeps the cluster it brings: the same one costs nothing.
        inventory.replaceAll(TARGET, engine(List.of(), List.of()).with(List.of(), List.of(), List.of(), cluster(3)));
        inventory.replaceAll(TARGET, engine(List.of(), List.of()));
        assertEquals(List.of("ADDED swarm c1", "CHANGED swarm c1", "REMOVED swarm c1"), kinds(inventory.changesSince(0).orElseThrow()));
        inventory.replaceSwarm(TARGET, two);
        assertEquals(two, inventory.snapshot().inventory().engines().get(0).swarm());
        assertEquals(two, inventory.changesSince(3).orElseThrow().get(0).value());
    }

    private static SwarmCluster cluster(int replicas) {
        return new SwarmCluster("c1", "n1", List.of(), List.of(new SwarmCluster.Service("s1", "web", "replicated", replicas, "busybox", null, Map.of(),
                List.of(), List.of(), List.of())), List.of());
    }
}
