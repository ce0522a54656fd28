/**
 * The engine behind {@link dev.dualstore.MirroringBackend}: the proxy's invocation handler, the
 * per-store dispatch lanes, deadlines and meters. Not exported; nothing outside the library may
 * depend on it.
 */
package dev.dualstore.internal;
