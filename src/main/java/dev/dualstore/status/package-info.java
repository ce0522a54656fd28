/**
 * The built-in status page, opt-in: {@link dev.dualstore.status.StatusPage} serves one HTML page
 * and its JSON ({@code status.json}) from the JDK's {@code HttpServer}, showing each backend's
 * stores, roles, stages, call and mismatch rates, recent mismatches ({@link
 * dev.dualstore.status.MismatchSamples}), keys to repair and job progress, with stage and promote
 * controls behind a token. Needs module {@code jdk.httpserver}; adds no other dependency.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.status;
