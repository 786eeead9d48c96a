package io.scanopy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.NetworkAttachment;
import io.scanopy.spi.inventory.Note;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table shows what others control without letting it act on the terminal, and stays narrow. */
class InventoryTableTest {
    private static final String CLEAR = "\u001b[2J";
    private static final String TITLE = "\u001b]0;owned\u0007";

    private static Container container(String name, String image, Container.Compose compose, List<Container.Port> ports, String network) {
        return new Container("c".repeat(64), List.of(name), image, "sha256:1", "running", "Up", Instant.EPOCH, Instant.EPOCH, Map.of(), compose, null,
                ports, List.of(new NetworkAttachment("n1", network, "172.18.0.2", 16, null, null, null, List.of())), List.of(), Container.Detail.INSPECT);
    }

    private static String render(List<Container> containers, String engineName) {
        DockerEngine engine = new DockerEngine("id", engineName, "Docker", "26.1" + CLEAR, "1.45", "Linux\u202e", List.of(new DockerEngine.Reach("local", "docker-direct", "unix:///var/run/docker.sock")),
                null, containers, List.of(new Network("n1", "front" + TITLE, "bridge", "local", false, List.of())),
                List.of(new Note(Note.Level.INFO, "hidden", null, "hidden: " + CLEAR)));
        return InventoryTable.render(new Inventory(1, Instant.EPOCH, List.of(engine), List.of()));
    }

    @Test
    void valuesOthersControlArePrintedInert() {
        String table = render(List.of(container("web", "nginx" + TITLE, new Container.Compose("shop" + CLEAR, "web\u009b2J"), List.of(), "front" + TITLE)),
                "host" + TITLE);
        for (char c : table.toCharArray()) {
            assertTrue(c == '\n' || !(c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e), "raw control character " + (int) c + " in:\n" + table);
        }
        assertTrue(table.startsWith("Engine host\\x1b]0;owned\\x07  Docker 26.1\\x1b[2J  API 1.45  Linux\\u202e\n"), table);
        assertTrue(table.contains("nginx\\x1b]0;owned\\x07"), table);
        assertTrue(table.contains("shop\\x1b[2J/web\\x9b2J"), table);
        assertTrue(table.contains("front\\x1b]0;owned\\x07=172.18.0.2/16"), table);
        assertTrue(table.contains("INFO: hidden: \\x1b[2J"), table);
        // Columns line up on what is shown: the escaped forms.
        List<String> lines = table.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("CONTAINER")).findFirst().orElseThrow());
        assertEquals(lines.get(header).indexOf("IMAGE"), lines.get(header + 1).indexOf("nginx"));
    }

    @Test
    void aHundredPortsAreSummarisedSoNoLineGrowsWithThem() {
        List<Container.Port> many = new ArrayList<>();
        for (int p = 10000; p < 10100; p++) {
            many.add(new Container.Port(p, "tcp", p, "127.0.0.1"));
        }
        String table = render(List.of(container("many", "busybox", null, many, "bridge"), container("one", "busybox", null,
                List.of(new Container.Port(80, "tcp", null, null)), "bridge")), "host");
        assertTrue(table.contains("127.0.0.1:10000->10000/tcp, 127.0.0.1:10001->10001/tcp, 127.0.0.1:10002->10002/tcp, 127.0.0.1:10003->10003/tcp, +96 more"), table);
        int widest = table.lines().mapToInt(String::length).max().orElseThrow();
        assertTrue(widest < 200, "widest line " + widest + " characters:\n" + table);
        assertFalse(table.contains("10099"), "the rest are counted, not listed");
        // Five fit as they are: a summary never hides a single port behind "+1 more".
        List<Container.Port> five = many.subList(0, 5);
        assertEquals(5, InventoryTable.ports(container("five", "busybox", null, five, "bridge")).split(", ").length);
    }
}
