package dev.dualstore;

import java.util.List;

/**
 * Two stores answered one call differently. Delivered to each {@link MismatchListener} on a
 * dispatcher thread. Holds the caller's arguments and both answers, which are user data: log
 * them only through a redactor.
 *
 * @param backend    the backend's name
 * @param method     the interface method's name
 * @param store      the secondary whose answer differed from the primary's
 * @param primary    the name of the store that answered the caller
 * @param arguments  the call's arguments (an unmodifiable view; elements may be null)
 * @param expected   what the primary answered
 * @param actual     what the secondary answered
 * @param kind       why they differ
 * @param difference a short description of the difference that contains no record values, for
 *                   example {@code "same 12 elements, first out of place at index 0"}
 */
public record Mismatch(
        String backend,
        String method,
        String store,
        String primary,
        List<Object> arguments,
        Outcome expected,
        Outcome actual,
        MismatchKind kind,
        String difference) {

    @Override
    public String toString() {
        return "Mismatch[" + backend + "." + method + " " + primary + " vs " + store + ": " + kind.tag()
                + " (" + difference + ")]";
    }
}
