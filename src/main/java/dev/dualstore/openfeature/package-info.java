/**
 * A fleet's migration driven from a feature-flag system through OpenFeature: {@link
 * dev.dualstore.openfeature.OpenFeatureControl} reads the step from a flag and keeps
 * acknowledgements, leases and the step the fleet applied in a {@link
 * dev.dualstore.spi.MigrationControl} beside it. Needs {@code dev.openfeature:sdk}, an optional
 * dependency of dualstore.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.openfeature;
