package dev.dualstore.demo.migration;

import java.util.Optional;

/**
 * What the demo's replay needs of a follows store besides its DAO: one edge read and written
 * exactly, whatever the schema. Threadsafe.
 */
interface EdgeStore extends FollowGraph {
    /** @return the edge, if {@code user} follows {@code channel} */
    Optional<Edge> edge(long user, long channel);

    /** Writes the edge as it is, times included. */
    void put(Edge edge);
}
