/**
 * The daemon's HTTP side: {@link io.scanopy.server.DaemonServer} on Jetty's core handlers, the
 * JSON API and event stream over the engine's live inventory, Prometheus metrics and service
 * discovery, and the web page. The routes are described in the module's {@code README.md}.
 */
package io.scanopy.server;
