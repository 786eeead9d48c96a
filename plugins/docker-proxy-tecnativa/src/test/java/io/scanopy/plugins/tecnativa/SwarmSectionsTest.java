package io.scanopy.plugins.tecnativa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the Swarm sections ({@code NODES}, {@code SERVICES}, {@code TASKS}) grant, the same in both flavours of the family. */
class SwarmSectionsTest {

    static Stream<Arguments> flavours() {
        return Stream.of(Arguments.of(new TecnativaProxyPlugin(), "creating and starting any container"),
                Arguments.of(new LinuxServerProxyPlugin(), "creating, updating and removing any container"));
    }

    @ParameterizedTest
    @MethodSource("flavours")
    void swarmSectionsStateWhatTheyAdmitBeyondTheLists(DockerAccessPlugin plugin, String containerWrite) {
        // With POST (an exec setup), SERVICES admits creating services: root on every node, right after the container write grant.
        List<String> all = plugin.privileges(EnumSet.allOf(DockerEndpoint.class));
        assertEquals(7, all.size(), all.toString());
        assertTrue(all.get(0).contains(containerWrite), all.get(0));
        assertTrue(all.get(1).startsWith("SERVICES=1 with POST=1") && all.get(1).contains("root on every node"), all.get(1));
        assertTrue(all.get(2).startsWith("NODES=1 with POST=1"), all.get(2));
        // GET-only (--no-exec --swarm): the specifications with their environment, and the task logs the section also admits.
        List<String> readOnly = plugin.privileges(EnumSet.of(DockerEndpoint.LIST_NODES, DockerEndpoint.LIST_SERVICES, DockerEndpoint.LIST_TASKS));
        assertEquals(2, readOnly.size(), readOnly.toString());
        assertTrue(readOnly.get(0).contains("environment variables") && readOnly.get(0).contains("/tasks/{id}/logs"), readOnly.get(0));
        assertTrue(readOnly.get(1).startsWith("NODES=1 exposes"), readOnly.get(1));
    }
}
