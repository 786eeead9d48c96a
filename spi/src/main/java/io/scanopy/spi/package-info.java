/**
 * The contract between the scanopy engine and Docker-access plugins.
 *
 * <p>A plugin implements {@link io.scanopy.spi.DockerAccessPlugin}: it says which targets it
 * serves and how strongly, how to reach them ({@link io.scanopy.spi.Transport}), which Docker
 * endpoints it needs ({@link io.scanopy.spi.EndpointRequirement}) and how to explain a denial in
 * its proxy's own terms. The engine does all Docker talking; plugins never see docker-java types.
 *
 * <p>The inventory model the engine produces lives in {@link io.scanopy.spi.inventory}.
 */
package io.scanopy.spi;
