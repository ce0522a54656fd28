package dev.dualstore.demo;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * One follow edge, Twitch's association {@code [user, follows, channel]}.
 *
 * @param from       the user who follows
 * @param to         the channel followed
 * @param followedAt when the user followed; callers use it as an instant, so its offset carries
 *                   no meaning
 */
public record Follow(String from, String to, OffsetDateTime followedAt) {

    /** Checks arguments. */
    public Follow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(followedAt, "followedAt");
    }
}
