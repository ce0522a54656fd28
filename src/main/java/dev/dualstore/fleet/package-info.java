/**
 * Moving every instance of a service through a migration together: a {@link
 * dev.dualstore.fleet.MigrationPlan} of steps, each safe while the fleet is mixed with its
 * neighbours, and a {@link dev.dualstore.fleet.FleetMigration} that advances or rolls back the
 * step held in a {@link dev.dualstore.spi.MigrationControl} only once every live instance has
 * acknowledged the step before.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.fleet;
