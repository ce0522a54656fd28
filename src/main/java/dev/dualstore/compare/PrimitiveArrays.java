package dev.dualstore.compare;

import java.util.Arrays;

/**
 * Arrays of one primitive component type compared and hashed without boxing, with the results
 * boxing would give: {@code Arrays.equals} compares doubles and floats as {@code Double.equals}
 * and {@code Float.equals} do, and {@code Arrays.hashCode} combines element hashes as a list's
 * hash does. Stateless and threadsafe.
 */
final class PrimitiveArrays {

    private PrimitiveArrays() {}

    /** Both arrays must be of the same primitive component type. */
    static boolean equal(Object a, Object b) {
        if (a instanceof int[] x) {
            return Arrays.equals(x, (int[]) b);
        } else if (a instanceof long[] x) {
            return Arrays.equals(x, (long[]) b);
        } else if (a instanceof byte[] x) {
            return Arrays.equals(x, (byte[]) b);
        } else if (a instanceof double[] x) {
            return Arrays.equals(x, (double[]) b);
        } else if (a instanceof float[] x) {
            return Arrays.equals(x, (float[]) b);
        } else if (a instanceof char[] x) {
            return Arrays.equals(x, (char[]) b);
        } else if (a instanceof short[] x) {
            return Arrays.equals(x, (short[]) b);
        }
        return Arrays.equals((boolean[]) a, (boolean[]) b);
    }

    static int hash(Object array) {
        if (array instanceof int[] a) {
            return Arrays.hashCode(a);
        } else if (array instanceof long[] a) {
            return Arrays.hashCode(a);
        } else if (array instanceof byte[] a) {
            return Arrays.hashCode(a);
        } else if (array instanceof double[] a) {
            return Arrays.hashCode(a);
        } else if (array instanceof float[] a) {
            return Arrays.hashCode(a);
        } else if (array instanceof char[] a) {
            return Arrays.hashCode(a);
        } else if (array instanceof short[] a) {
            return Arrays.hashCode(a);
        }
        return Arrays.hashCode((boolean[]) array);
    }
}
