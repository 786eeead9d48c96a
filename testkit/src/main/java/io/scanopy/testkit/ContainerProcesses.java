package io.scanopy.testkit;

import com.github.dockerjava.api.command.TopContainerResponse;
import java.util.Arrays;
import java.util.List;
import org.testcontainers.DockerClientFactory;

/**
 * The processes inside a container, as the engine lists them ({@code GET /containers/{id}/top},
 * ps run on the host): no exec is needed, so counting adds nothing to the exec events a test
 * also counts. (The engine needs a PID column in the ps arguments.)
 */
public final class ContainerProcesses {
    private ContainerProcesses() {
    }

    /**
     * @param containerId the container
     * @param uid a numeric user id
     * @return the command lines of the processes running as that user in the container
     */
    public static List<String> ofUser(String containerId, int uid) {
        TopContainerResponse top = DockerClientFactory.instance().client().topContainerCmd(containerId).withPsArgs("-eo pid,uid,args").exec();
        return Arrays.stream(top.getProcesses()).filter(p -> p.length > 2 && p[1].strip().equals(String.valueOf(uid))).map(p -> p[2]).toList();
    }

    /**
     * @param containerIds containers
     * @param uid a numeric user id
     * @return processes running as that user in all of them
     */
    public static int countOfUser(List<String> containerIds, int uid) {
        return containerIds.stream().mapToInt(id -> {
            try {
                return ofUser(id, uid).size();
            } catch (RuntimeException e) {
                // A container that is gone runs nothing.
                return 0;
            }
        }).sum();
    }
}
