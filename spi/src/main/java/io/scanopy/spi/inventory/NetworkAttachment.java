package io.scanopy.spi.inventory;

import java.util.List;

/**
 * A container's attachment to one network.
 *
 * @param networkId the network id, or null when Docker did not say
 * @param networkName the network name
 * @param ipAddress the IPv4 address, or null
 * @param prefixLength the IPv4 prefix length, or null
 * @param gateway the IPv4 gateway, or null
 * @param ipv6Address the global IPv6 address, or null
 * @param macAddress the MAC address, or null
 * @param aliases DNS aliases on this network, ordered
 */
public record NetworkAttachment(
        String networkId,
        String networkName,
        String ipAddress,
        Integer prefixLength,
        String gateway,
        String ipv6Address,
        String macAddress,
        List<String> aliases) {

    /** Copies the list. */
    public NetworkAttachment {
        aliases = List.copyOf(aliases);
    }
}
