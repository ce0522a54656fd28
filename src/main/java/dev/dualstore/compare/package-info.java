/**
 * How answers are compared and explained: {@link dev.dualstore.compare.DeepEquality} (the default
 * equality, arrays, records and entities without {@code equals} included, lazy values left
 * alone), {@link dev.dualstore.compare.DeepComparator} (the same with options: fields to ignore,
 * declared types), {@link dev.dualstore.compare.Normalizer} (preprocessors applied to both
 * answers, such as timestamps to UTC) and {@link dev.dualstore.compare.Diagnosis} (the kind of a
 * mismatch, a description free of record values, and the path to the first difference).
 *
 * <p>Everything here is stateless and threadsafe. Values passed in may be null, cyclic or
 * deep: comparison, hashing, normalisation and diagnosis all end on cycles and work on explicit
 * stacks, so a deep answer costs heap, never thread stack.
 */
package dev.dualstore.compare;
