package io.scanopy.spi.inventory;

import java.util.List;

/**
 * A Docker network.
 *
 * @param id the network id, or null when derived from containers without {@code /networks}
 * @param name the network name
 * @param driver the driver ({@code bridge}, {@code overlay}, ...), or null when derived
 * @param scope {@code local}, {@code swarm} or {@code global}, or null when derived
 * @param internal true for an internal network (no outside access); null when unknown
 * @param subnets the subnets, ordered
 */
public record Network(String id, String name, String driver, String scope, Boolean internal, List<Subnet> subnets) {

    /** Copies the list. */
    public Network {
        subnets = List.copyOf(subnets);
    }

    /**
     * A subnet of a network.
     *
     * @param cidr the subnet in CIDR notation
     * @param gateway the gateway address, or null
     * @param derived true when computed from a container address and prefix length because the
     *     network list was not available, false when Docker reported it
     */
    public record Subnet(String cidr, String gateway, boolean derived) {
    }
}
