package dev.dualstore.testing;

import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.ControlUnavailableException;
import dev.dualstore.spi.InstanceAck;
import dev.dualstore.spi.MigrationControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance's view of a shared {@link MigrationControl} that a test can cut off: while
 * unreachable, every call throws {@link ControlUnavailableException}, as a control behind a
 * network partition does. Counts the calls refused. Threadsafe.
 */
public final class SwitchableControl implements MigrationControl {
    private final MigrationControl shared;
    private volatile boolean reachable = true;
    private final AtomicInteger refused = new AtomicInteger();

    public SwitchableControl(MigrationControl shared) {
        this.shared = shared;
    }

    public void reachable(boolean reachable) {
        this.reachable = reachable;
    }

    /** @return how many calls were refused while unreachable */
    public int refused() {
        return refused.get();
    }

    private void check() {
        if (!reachable) {
            refused.incrementAndGet();
            throw new ControlUnavailableException("control cut off by the test", new java.io.IOException("no route to host"));
        }
    }

    @Override
    public Optional<ControlState> current(String backend) {
        check();
        return shared.current(backend);
    }

    @Override
    public boolean change(String backend, long expectedVersion, ControlState next) {
        check();
        return shared.change(backend, expectedVersion, next);
    }

    @Override
    public void acknowledge(String backend, String instance, long version, int step) {
        check();
        shared.acknowledge(backend, instance, version, step);
    }

    @Override
    public List<InstanceAck> liveInstances(String backend) {
        check();
        return shared.liveInstances(backend);
    }

    @Override
    public void leave(String backend, String instance) {
        check();
        shared.leave(backend, instance);
    }

    @Override
    public Duration lease() {
        return shared.lease();
    }

    @Override
    public Duration followInterval() {
        return shared.followInterval();
    }

    @Override
    public Clock clock() {
        return shared.clock();
    }

    @Override
    public String toString() {
        return "SwitchableControl[" + shared + "]";
    }
}
