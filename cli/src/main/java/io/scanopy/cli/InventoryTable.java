package io.scanopy.cli;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.NetworkAttachment;
import io.scanopy.spi.inventory.Note;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The human-readable rendering of an inventory: one block per engine, aligned columns. */
final class InventoryTable {
    private InventoryTable() {
    }

    static String render(Inventory inventory) {
        StringBuilder sb = new StringBuilder();
        for (DockerEngine engine : inventory.engines()) {
            sb.append("Engine ").append(orDash(engine.name())).append("  ").append(orDash(engine.productLabel()))
                    .append("  API ").append(engine.apiVersion() == null ? "unversioned" : engine.apiVersion())
                    .append("  ").append(orDash(engine.os())).append('\n');
            for (DockerEngine.Reach reach : engine.reachedVia()) {
                sb.append("  via ").append(reach.plugin()).append(" at ").append(reach.address()).append('\n');
            }
            sb.append('\n');
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"CONTAINER", "STATE", "IMAGE", "PORTS", "NETWORKS", "COMPOSE", "SERVICES"});
            for (Container c : engine.containers()) {
                rows.add(new String[] {c.displayName(), c.state(), c.image(), ports(c), networks(c),
                        c.compose() == null ? "" : orDash(c.compose().project()) + "/" + orDash(c.compose().service()), services(c)});
            }
            table(sb, rows);
            sb.append('\n');
            rows = new ArrayList<>();
            rows.add(new String[] {"NETWORK", "DRIVER", "SCOPE", "SUBNETS"});
            for (Network n : engine.networks()) {
                rows.add(new String[] {n.name(), orDash(n.driver()), orDash(n.scope()), n.subnets().stream()
                        .map(s -> s.cidr() + (s.derived() ? " (derived)" : "")).collect(Collectors.joining(", "))});
            }
            table(sb, rows);
            if (!engine.notes().isEmpty()) {
                sb.append('\n');
            }
            for (Note note : engine.notes()) {
                sb.append(note.level()).append(": ").append(note.message()).append('\n');
            }
            sb.append('\n');
        }
        for (Note note : inventory.notes()) {
            sb.append(note.level()).append(": ").append(note.message()).append('\n');
        }
        return sb.toString();
    }

    private static String ports(Container c) {
        return c.ports().stream().map(p -> p.publicPort() == null
                ? p.privatePort() + "/" + p.protocol()
                : (p.hostIp() == null ? "" : p.hostIp() + ":") + p.publicPort() + "->" + p.privatePort() + "/" + p.protocol())
                .distinct().collect(Collectors.joining(", "));
    }

    private static String services(Container c) {
        return c.services().stream().map(s -> s.name() + " (" + Math.round(s.confidence() * 100) + "%, "
                + s.evidence().stream().map(e -> e.route()).distinct().collect(Collectors.joining("+")) + ")").collect(Collectors.joining(", "));
    }

    private static String networks(Container c) {
        return c.networks().stream().map(InventoryTable::attachment).collect(Collectors.joining(", "));
    }

    private static String attachment(NetworkAttachment a) {
        return a.networkName() + (a.ipAddress() == null ? "" : "=" + a.ipAddress() + (a.prefixLength() == null ? "" : "/" + a.prefixLength()));
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static void table(StringBuilder sb, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i] == null ? 0 : row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i] == null ? "" : row[i];
                line.append(cell);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
