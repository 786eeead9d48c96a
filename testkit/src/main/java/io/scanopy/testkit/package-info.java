/**
 * Test kit for Docker-access plugins: run a plugin, as it ships (pf4j archive or jar), against
 * a real Docker engine, with containers built locally from {@code busybox-static}.
 *
 * <p>Start with {@link io.scanopy.testkit.RequiresDocker} on the test class,
 * {@link io.scanopy.testkit.TestImages#busybox()} for an image, {@link io.scanopy.testkit.TestContainer}
 * for labelled containers, and {@link io.scanopy.testkit.PluginFixtures} to load the plugin.
 */
package io.scanopy.testkit;
