package dev.dualstore.demo.migration;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Stage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's replay target: for each journaled write, copies the edge it touched from the store
 * that answers now to every store that mirrors it, inside the backend's write fence for the user
 * ({@link MirroringBackend#repair}). So a replay never races a shadow write of the same user (the
 * live write lands after the copy, never under it), it replays the key rather than the operation
 * (an old entry replayed after a newer write copies the current edge, not the old one), and it
 * works the same after a cutover, when 'new' answers and 'old' is kept for a rollback.
 *
 * <p>Called by the {@link dev.dualstore.journal.Replayer}'s thread only; its reads are never
 * called (a replay applies writes).
 */
final class EdgeReplay implements FollowGraph {
    private final MirroringBackend<FollowGraph> backend;
    private final Map<String, EdgeStore> stores;

    EdgeReplay(MirroringBackend<FollowGraph> backend, Map<String, EdgeStore> stores) {
        this.backend = backend;
        this.stores = Map.copyOf(stores);
    }

    @Override
    public void follow(long user, long channel, Instant at) {
        copy(user, channel);
    }

    @Override
    public void unfollow(long user, long channel) {
        copy(user, channel);
    }

    private void copy(long user, long channel) {
        for (String store : List.copyOf(stores.keySet())) {
            if (store.equals(backend.primaryName()) || backend.stage(store) == Stage.OFF) {
                continue;
            }
            try {
                backend.repair(store, user, () -> {
                    // Inside the fence the roles cannot change (a promote waits for it): read them again.
                    String primary = backend.primaryName();
                    if (!primary.equals(store)) {
                        Optional<Edge> current = stores.get(primary).edge(user, channel);
                        if (current.isPresent()) {
                            stores.get(store).put(current.get());
                        } else {
                            stores.get(store).unfollow(user, channel);
                        }
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("copying an edge of user " + user + " to " + store + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean isFollowing(long user, long channel) {
        throw new UnsupportedOperationException("a replay target applies writes only");
    }

    @Override
    public List<Long> following(long user, int limit) {
        throw new UnsupportedOperationException("a replay target applies writes only");
    }

    @Override
    public long followingCount(long user) {
        throw new UnsupportedOperationException("a replay target applies writes only");
    }

    @Override
    public String toString() {
        return "edge replay under the write fence";
    }
}
