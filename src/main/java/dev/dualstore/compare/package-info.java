/**
 * How answers are compared and explained: {@link dev.dualstore.compare.DeepEquality} (the default
 * equality, arrays and records included), {@link dev.dualstore.compare.Normalizer} (preprocessors
 * applied to both answers, such as timestamps to UTC) and {@link dev.dualstore.compare.Diagnosis}
 * (the kind of a mismatch and a description free of record values).
 *
 * <p>Everything here is stateless and threadsafe. Values passed in may be null, cyclic or
 * deep: comparison, hashing, normalisation and diagnosis all end on cycles and work on explicit
 * stacks, so a deep answer costs heap, never thread stack.
 */
package dev.dualstore.compare;
