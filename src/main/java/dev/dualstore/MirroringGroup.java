package dev.dualstore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Several repositories of one service, moved together: each is wrapped in its own
 * {@link MirroringBackend}, with the same two store names and the same settings, and one call
 * promotes, stages or closes them all. A service with an owners, a pets and a visits repository
 * writes its settings once:
 *
 * <pre>{@code
 * MirroringGroup group = MirroringGroup.of("jdbc", "jpa", settings -> settings
 *         .timeout(Duration.ofMillis(500))
 *         .transactions(SpringTransactions.hook())
 *         .meterRegistry(registry));
 * OwnerRepository owners = group.wrap(OwnerRepository.class, jdbcOwners, jpaOwners, own -> own
 *         .classifyByName()
 *         .keyFromResult("save", saved -> ((Owner) saved).getId())).proxy();
 * Inventory inventory = group.wrap(Inventory.class, jdbcInventory, jpaInventory, own -> own
 *         .reads("stock").writes("restock").passthrough("ping")).proxy();
 * group.promote("jpa");                  // every repository: cutover; promote("jdbc") rolls back
 * }</pre>
 * (This example is compiled and run in {@code GuideExamplesTest}.)
 *
 * Each backend keeps its own fences, queues and meters (tagged with its interface's name); what
 * the group adds is the shared settings and the calls that apply to all of them, in the order
 * they were wrapped. A promote that fails for one backend stops there and rethrows: those before
 * it were promoted, and promoting back rolls them back. Threadsafe.
 */
public final class MirroringGroup implements AutoCloseable {
    private final String primaryName;
    private final String secondaryName;
    private final Consumer<MirroringBackend.Builder<?>> settings;
    private final List<MirroringBackend<?>> backends = new ArrayList<>();

    private MirroringGroup(String primaryName, String secondaryName, Consumer<MirroringBackend.Builder<?>> settings) {
        this.primaryName = primaryName;
        this.secondaryName = secondaryName;
        this.settings = settings;
    }

    /**
     * @param primaryName   the name of the store that answers, in every backend
     * @param secondaryName the name of the store mirrored to, in every backend
     * @param settings      applied to each backend's builder before its own options; must not
     *                      set the stores
     * @return a group with no backend yet
     */
    public static MirroringGroup of(String primaryName, String secondaryName, Consumer<MirroringBackend.Builder<?>> settings) {
        Objects.requireNonNull(primaryName, "primaryName");
        Objects.requireNonNull(secondaryName, "secondaryName");
        return new MirroringGroup(primaryName, secondaryName, Objects.requireNonNull(settings, "settings"));
    }

    /** Wraps one repository with the group's settings. */
    public <T> MirroringBackend<T> wrap(Class<T> type, T primary, T secondary) {
        return wrap(type, primary, secondary, builder -> { });
    }

    /**
     * Wraps one repository with the group's settings, then its own.
     *
     * @param options this repository's own options (keys, comparators, ...), applied after the group's
     * @throws IllegalArgumentException or IllegalStateException as {@link MirroringBackend.Builder#build()} does
     */
    public synchronized <T> MirroringBackend<T> wrap(Class<T> type, T primary, T secondary,
            Consumer<MirroringBackend.Builder<T>> options) {
        MirroringBackend.Builder<T> builder = MirroringBackend.builder(type).primary(primaryName, primary)
                .secondary(secondaryName, secondary);
        settings.accept(builder);
        options.accept(builder);
        MirroringBackend<T> backend = builder.build();
        backends.add(backend);
        return backend;
    }

    /** @return the backends wrapped so far, in order */
    public synchronized List<MirroringBackend<?>> backends() {
        return List.copyOf(backends);
    }

    /** Promotes {@code store} in every backend, in the order they were wrapped; see {@link MirroringBackend#promote}. */
    public synchronized void promote(String store) {
        for (MirroringBackend<?> backend : backends) {
            backend.promote(store);
        }
    }

    /** Sets {@code store}'s stage in every backend; see {@link MirroringBackend#stage(String, Stage)}. */
    public synchronized void stage(String store, Stage stage) {
        for (MirroringBackend<?> backend : backends) {
            backend.stage(store, stage);
        }
    }

    /** @return whether every backend drained within {@code timeout}, which each waits for in turn at most */
    public synchronized boolean drain(Duration timeout) {
        boolean all = true;
        for (MirroringBackend<?> backend : backends) {
            all &= backend.drain(timeout);
        }
        return all;
    }

    /** Closes every backend; see {@link MirroringBackend#close()}. Never throws. */
    @Override
    public synchronized void close() {
        for (MirroringBackend<?> backend : backends) {
            backend.close();
        }
    }
}
