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
 * @param path       the path to the first difference found, as the description prints it, for
 *                   example {@code [1].pet.owner}, or {@code [0]} for the first element of the
 *                   primary's list that the secondary lacks or has out of place; "" when the
 *                   answers themselves differ (in type, size or nullness), or when the
 *                   comparator's diagnosis names no path
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
        String difference,
        String path) {

    /** Checks that the path is there: "" when there is none. */
    public Mismatch {
        java.util.Objects.requireNonNull(path, "path");
    }

    /**
     * A mismatch whose diagnosis names no path.
     *
     * @param backend    the backend's name
     * @param method     the interface method's name
     * @param store      the secondary whose answer differed from the primary's
     * @param primary    the name of the store that answered the caller
     * @param arguments  the call's arguments
     * @param expected   what the primary answered
     * @param actual     what the secondary answered
     * @param kind       why they differ
     * @param difference a short description of the difference that contains no record values
     */
    public Mismatch(String backend, String method, String store, String primary, List<Object> arguments,
            Outcome expected, Outcome actual, MismatchKind kind, String difference) {
        this(backend, method, store, primary, arguments, expected, actual, kind, difference, "");
    }

    @Override
    public String toString() {
        return "Mismatch[" + backend + "." + method + " " + primary + " vs " + store + ": " + kind.tag()
                + " (" + difference + ")]";
    }
}
