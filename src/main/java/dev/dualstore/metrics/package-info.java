/**
 * The names of the meters dualstore registers with Micrometer, and of their tags and tag values,
 * for dashboards and alerts. See {@code docs/metrics.md}.
 */
package dev.dualstore.metrics;
