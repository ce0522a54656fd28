/**
 * The API a service engineer touches: {@link dev.dualstore.MirroringBackend} wraps a DAO
 * interface, answers from the primary store and mirrors calls to secondary stores off the
 * caller's thread; {@link dev.dualstore.ResultComparator}, {@link dev.dualstore.Mismatch} and the
 * listeners tell how the stores differ.
 *
 * <p>Parameters and return values are non-null unless documented otherwise; a null argument is
 * rejected with a {@link java.lang.NullPointerException} that names it.
 */
package dev.dualstore;
