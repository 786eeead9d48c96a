/**
 * Fault injectors: small servers on 127.0.0.1 that stand in for a proxy or network misbehaving
 * in one way no real proxy can be made to (a body sent one byte at a time, headers that never
 * end, garbage, a failing or foreign server, an answer of absurd size, a connection cut mid-body,
 * a stream that goes silent). Each closes itself after its lifetime. Plugin authors can use them
 * to check that their plugin's targets fail in one clear line, in bounded time.
 */
package io.scanopy.testkit.fault;
