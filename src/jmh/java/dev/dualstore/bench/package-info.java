/**
 * JMH benchmarks of the caller's cost of dualstore, side by side with the peers a user would
 * pick instead (Scientist4J, LaunchDarkly's migration API), and a sustained slow-secondary memory
 * run. Built and run only by the {@code bench} Maven profile; see {@code docs/benchmarks.md}.
 */
package dev.dualstore.bench;
