/**
 * How answers are compared and explained: {@link dev.dualstore.compare.DeepEquality} (the default
 * equality, arrays and records included), {@link dev.dualstore.compare.Normalizer} (preprocessors
 * applied to both answers, such as timestamps to UTC) and {@link dev.dualstore.compare.Diagnosis}
 * (the kind of a mismatch and a description free of record values).
 *
 * <p>Everything here is stateless and threadsafe. Values passed in may be null.
 */
package dev.dualstore.compare;
