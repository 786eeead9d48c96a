package io.scanopy.engine.discovery;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.Network.Subnet;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Derives networks from container attachments, for when Docker's network list is denied. */
public final class NetworkMapper {
    private static final Comparator<Network> ORDER = Comparator.comparing(Network::name)
            .thenComparing(n -> n.id() == null ? "" : n.id());
    private static final Comparator<Subnet> SUBNET_ORDER = Comparator.comparing(Subnet::cidr)
            .thenComparing(s -> s.gateway() == null ? "" : s.gateway());

    private NetworkMapper() {
    }

    /**
     * Networks as far as the containers show them: each attachment's address and prefix length
     * give its subnet (marked derived); driver, scope and internal stay unknown.
     */
    public static List<Network> deriveFrom(List<Container> containers) {
        Map<String, String> ids = new TreeMap<>();
        Map<String, TreeSet<Subnet>> subnets = new TreeMap<>();
        for (Container container : containers) {
            for (NetworkAttachment a : container.networks()) {
                ids.putIfAbsent(a.networkName(), a.networkId());
                TreeSet<Subnet> set = subnets.computeIfAbsent(a.networkName(), k -> new TreeSet<>(SUBNET_ORDER));
                String cidr = cidr(a.ipAddress(), a.prefixLength());
                if (cidr != null) {
                    set.add(new Subnet(cidr, a.gateway(), true));
                }
            }
        }
        List<Network> result = new ArrayList<>();
        subnets.forEach((name, set) -> result.add(new Network(ids.get(name), name, null, null, null, new ArrayList<>(set))));
        result.sort(ORDER);
        return result;
    }

    /**
     * The network address of {@code ip/prefix}, for example {@code 172.18.0.5/16} gives
     * {@code 172.18.0.0/16}.
     *
     * @param ip an IPv4 or IPv6 literal
     * @param prefix the prefix length
     * @return the subnet in CIDR form, or null when either is missing or malformed
     */
    static String cidr(String ip, Integer prefix) {
        if (ip == null || prefix == null || !ip.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(ip).getAddress();
            if (prefix < 0 || prefix > bytes.length * 8) {
                return null;
            }
            for (int bit = prefix; bit < bytes.length * 8; bit++) {
                bytes[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
            }
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
