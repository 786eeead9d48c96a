package io.scanopy.spi.inventory;

import java.util.List;

/**
 * A service recognised in a container.
 *
 * @param definitionId the id of the catalogue definition that matched
 * @param name the service's display name
 * @param confidence from 0 to 1
 * @param evidence what matched, by which route
 */
public record DetectedService(String definitionId, String name, double confidence, List<Evidence> evidence) {

    /** Copies the list. */
    public DetectedService {
        evidence = List.copyOf(evidence);
    }

    /**
     * One piece of evidence for a detection.
     *
     * @param route how it was seen: {@code exec}, {@code published-port}, {@code image},
     *     {@code label}, {@code name} or {@code port}
     * @param rule the id of the rule that matched
     * @param port the container port it concerns, or null
     * @param endpoint the HTTP path probed, or null
     * @param httpStatus the HTTP status seen, or null
     * @param detail a short human explanation
     */
    public record Evidence(String route, String rule, Integer port, String endpoint, Integer httpStatus, String detail) {
    }
}
