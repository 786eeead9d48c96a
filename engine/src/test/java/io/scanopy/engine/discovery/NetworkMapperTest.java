package io.scanopy.engine.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NetworkMapperTest {

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "172.18.0.5, 16, 172.18.0.0/16",
            "10.1.2.3, 24, 10.1.2.0/24",
            "10.1.2.3, 32, 10.1.2.3/32",
            "192.168.7.200, 27, 192.168.7.192/27",
            "fd00:1::5, 64, fd00:1:0:0:0:0:0:0/64",
            "10.1.2.3, 33, null",
            "10.1.2.3, null, null",
            "not-an-ip, 24, null",
    })
    void cidrOfAddressAndPrefix(String ip, Integer prefix, String expected) {
        assertEquals(expected, NetworkMapper.cidr(ip, prefix));
    }

    @Test
    void derivesOneMarkedSubnetPerNetworkFromAttachments() {
        Container a = container("a", new NetworkAttachment("n1", "front", "172.20.0.2", 16, "172.20.0.1", null, null, List.of()));
        Container b = container("b", new NetworkAttachment("n1", "front", "172.20.0.3", 16, "172.20.0.1", null, null, List.of()),
                new NetworkAttachment("n2", "back", "10.9.0.4", 24, "10.9.0.1", null, null, List.of()));
        List<Network> networks = NetworkMapper.deriveFrom(List.of(a, b));
        assertEquals(List.of(
                new Network("n2", "back", null, null, null, List.of(new Network.Subnet("10.9.0.0/24", "10.9.0.1", true))),
                new Network("n1", "front", null, null, null, List.of(new Network.Subnet("172.20.0.0/16", "172.20.0.1", true)))), networks);
    }

    private static Container container(String name, NetworkAttachment... attachments) {
        return new Container(name + "-id", List.of(name), "img", "sha256:1", "running", "Up", Instant.EPOCH, null, Map.of(), null, "sh",
                List.of(), List.of(attachments), List.of(), Container.Detail.INSPECT);
    }
}
