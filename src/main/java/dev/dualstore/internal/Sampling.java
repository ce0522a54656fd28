package dev.dualstore.internal;

import java.util.concurrent.ThreadLocalRandom;

/** The backend-wide sample rate and the per-call draw. Threadsafe. */
final class Sampling {
    /** The backend-wide rate, in calls mirrored per million. */
    private volatile int perMillion;

    Sampling(double percent) {
        set(percent);
    }

    void set(double percent) {
        perMillion = MethodTable.perMillion(percent);
    }

    /** @param hash the key's {@link Keys#hash}, used only when {@code keyed} */
    boolean sampled(MethodPolicy p, boolean keyed, int hash) {
        int rate = p.samplePerMillion;
        if (rate == MethodPolicy.INHERIT) {
            rate = perMillion;
        }
        if (rate >= MethodPolicy.EVERY_CALL) {
            return true;
        }
        if (rate <= 0) {
            return false;
        }
        int draw = keyed ? Math.floorMod(hash, MethodPolicy.EVERY_CALL) : ThreadLocalRandom.current().nextInt(MethodPolicy.EVERY_CALL);
        return draw < rate;
    }
}
