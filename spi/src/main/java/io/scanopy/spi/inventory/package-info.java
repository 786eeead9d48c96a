/**
 * The inventory model: immutable records the engine composes from one or more Docker engines.
 * Collections are never null; optional scalars are {@code null} when Docker did not say.
 * The JSON form is described in {@code docs/inventory.md}.
 */
package io.scanopy.spi.inventory;
