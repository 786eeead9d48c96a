package io.scanopy.engine.discovery;

import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.spi.TargetSpec;

/**
 * A target that could not be discovered.
 *
 * @param target the target
 * @param error why, with the actionable message
 */
public record TargetFailure(TargetSpec target, DockerAccessException error) {
}
