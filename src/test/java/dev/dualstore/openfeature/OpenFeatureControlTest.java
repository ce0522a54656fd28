package dev.dualstore.openfeature;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Stage;
import dev.dualstore.fleet.FleetMigration;
import dev.dualstore.fleet.MigrationPlan;
import dev.dualstore.fleet.Transition;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.ControlUnavailableException;
import dev.dualstore.spi.InstanceAck;
import dev.dualstore.spi.MigrationControl;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualClock;
import dev.dualstore.testing.MeterReader;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

/**
 * Instances following a flag of the SDK's {@link InMemoryProvider} (changed at runtime by the
 * test), with acknowledgements in an in-memory control and leases judged by a clock the test moves.
 */
class OpenFeatureControlTest {
    private static final String FLAG = "follows-migration-step";
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final ManualClock clock = new ManualClock();
    // Instances look every 5 ms of real time; leases are judged by the manual clock.
    private final MigrationControl acks = MigrationControl.inMemory(clock, LEASE, Duration.ofMillis(5));
    private final Flags flags = new Flags();
    private final String domain = "dualstore-test-" + UUID.randomUUID();
    private final List<MirroringBackend<KeyValueStore>> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() {
        instances.forEach(MirroringBackend::close);
    }

    /** An InMemoryProvider that counts evaluations, remembers the targeting key, and fails on demand. */
    static final class Flags extends InMemoryProvider {
        final AtomicInteger evaluations = new AtomicInteger();
        volatile RuntimeException failure;
        volatile String targetingKey;

        Flags() {
            super(Map.of());
        }

        void name(String step) {
            updateFlag(FLAG, Flag.<String>builder().variant("on", step).defaultVariant("on").build());
        }

        void number(int step) {
            updateFlag(FLAG, Flag.<Integer>builder().variant("on", step).defaultVariant("on").build());
        }

        /** Waits until instances have evaluated the flag {@code looks} more times. */
        void awaitLooks(int looks) {
            int target = evaluations.get() + looks;
            await().atMost(WAIT).until(() -> evaluations.get() >= target);
        }

        @Override
        public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
            seen(ctx);
            return super.getStringEvaluation(key, defaultValue, ctx);
        }

        @Override
        public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
            seen(ctx);
            return super.getIntegerEvaluation(key, defaultValue, ctx);
        }

        private void seen(EvaluationContext ctx) {
            targetingKey = ctx.getTargetingKey();
            evaluations.incrementAndGet();
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
        }
    }

    private Client client() {
        OpenFeatureAPI.getInstance().setProviderAndWait(domain, flags);
        return OpenFeatureAPI.getInstance().getClient(domain);
    }

    private OpenFeatureControl control() {
        return OpenFeatureControl.builder().client(client()).backend("follows").stepFlag(FLAG)
                .plan(MigrationPlan.standard("old", "new")).acknowledgements(acks).build();
    }

    private MirroringBackend<KeyValueStore> instance(String name, MigrationControl control, SimpleMeterRegistry registry) {
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry).name("follows").control(control)
                .instanceName(name).build();
        instances.add(backend);
        return backend;
    }

    private MirroringBackend<KeyValueStore> instance(String name, MigrationControl control) {
        return instance(name, control, new SimpleMeterRegistry());
    }

    private static String roles(MirroringBackend<KeyValueStore> b) {
        String other = b.primaryName().equals("old") ? "new" : "old";
        return b.primaryName() + "/" + other + "=" + b.stage(other) + "@" + b.controlState().map(ControlState::step).orElse(-1);
    }

    private void awaitAt(int step, FleetMigration migration) {
        await().atMost(WAIT).until(() -> migration.current().map(ControlState::step).orElse(-1) == step
                && migration.notAcknowledged().isEmpty());
    }

    @Test
    void instancesFollowTheFlagAndTheirAcknowledgementsShowThroughTheDelegate() {
        flags.name("shadow");
        OpenFeatureControl control = control();
        MirroringBackend<KeyValueStore> a = instance("a", control);
        MirroringBackend<KeyValueStore> b = instance("b", control);
        FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
        awaitAt(0, migration);
        assertThat(List.of(roles(a), roles(b))).containsExactly("old/new=SHADOW@0", "old/new=SHADOW@0");

        List<String> seen = new ArrayList<>();
        for (String step : List.of("dual write", "new answers", "old shadowed", "old off")) {
            flags.name(step);
            int index = seen.size() + 1;
            awaitAt(index, migration);
            seen.add(roles(a) + " " + roles(b));
            assertThat(acks.liveInstances("follows")).extracting(InstanceAck::instance, InstanceAck::step)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", index), org.assertj.core.groups.Tuple.tuple("b", index));
        }
        assertThat(seen).containsExactly("old/new=DUAL_WRITE@1 old/new=DUAL_WRITE@1", "new/old=DUAL_WRITE@2 new/old=DUAL_WRITE@2",
                "new/old=SHADOW@3 new/old=SHADOW@3", "new/old=OFF@4 new/old=OFF@4");
        assertThat(acks.current("follows").orElseThrow().version()).as("one version per step, in the delegate").isEqualTo(5);
        assertThat(flags.targetingKey).as("every instance evaluates with the backend as targeting key").isEqualTo("follows");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).isEmpty();
    }

    @Test
    void advanceAndRollbackAreRefusedSayingToChangeTheFlagWhileTheDryRunStillReportsAcknowledgements() {
        flags.name("shadow");
        OpenFeatureControl control = control();
        instance("a", control);
        FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
        awaitAt(0, migration);
        acks.acknowledge("follows", "slow", 0, -1); // a live instance that has not applied step 1

        Transition preview = migration.previewAdvance();
        assertThat(preview.notAcknowledged()).containsExactly("slow");
        assertThat(preview.allowed()).isFalse();
        acks.acknowledge("follows", "slow", 1, 0);
        assertThat(migration.previewAdvance().allowed()).isTrue();
        assertThat(migration.previewAdvance().changes()).containsExactly("new: SHADOW -> DUAL_WRITE");

        assertThatThrownBy(migration::advance).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set by the OpenFeature flag '" + FLAG + "'")
                .hasMessageContaining("change the flag to 'dual write' (step 2)");
        acks.leave("follows", "slow");
        flags.name("dual write");
        awaitAt(1, migration);
        assertThatThrownBy(migration::rollback).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("change the flag to 'shadow' (step 1)");
        assertThat(migration.current().orElseThrow().step()).as("refused moves change nothing").isEqualTo(1);
    }

    @Test
    void anErroringProviderKeepsTheLastStepWithOneWarningAndCountsItUnreachable() {
        flags.name("shadow");
        OpenFeatureControl control = control();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MirroringBackend<KeyValueStore> a = instance("a", control, registry);
        FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
        awaitAt(0, migration);

        flags.failure = new IllegalStateException("flagd connection refused");
        flags.name("dual write"); // not seen: every evaluation fails
        flags.awaitLooks(5);
        assertThat(roles(a)).isEqualTo("old/new=SHADOW@0");
        assertThat(new MeterReader(registry).count(MeterNames.CONTROL_ERRORS, "kind", "unreachable")).isGreaterThanOrEqualTo(4);
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement()
                .satisfies(mentioning("lost contact", "OpenFeatureControl", FLAG, "GENERAL", "keeps step 1 'shadow'"));

        flags.failure = null;
        awaitAt(1, migration);
        assertThat(roles(a)).isEqualTo("old/new=DUAL_WRITE@1");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).hasSize(1);
        assertThat(logs.events(Level.INFO, CapturedLogs.LIBRARY)).anySatisfy(mentioning("reached again"));
    }

    @Test
    void aFlagThatSkipsAStepIsNotFollowedAndSaysWhatToSet() {
        flags.name("shadow");
        OpenFeatureControl control = control();
        MirroringBackend<KeyValueStore> a = instance("a", control);
        FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
        awaitAt(0, migration);

        flags.name("new answers"); // two steps ahead: old stops answering before the fleet dual-writes
        flags.awaitLooks(5);
        assertThat(roles(a)).isEqualTo("old/new=SHADOW@0");
        assertThat(acks.current("follows").orElseThrow().version()).isEqualTo(1);
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement().satisfies(mentioning("'new answers' (step 3)",
                "step 1 'shadow'", "not followed", "set it to 'shadow' (step 1) to stay, or 'dual write' (step 2)"));

        flags.name("dual write");
        awaitAt(1, migration);
        assertThat(roles(a)).isEqualTo("old/new=DUAL_WRITE@1");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).hasSize(1);
    }

    @Test
    void aRollbackThePlanRefusesIsNotFollowed() {
        flags.number(1);
        OpenFeatureControl control = OpenFeatureControl.builder().client(client()).backend("follows").stepNumberFlag(FLAG)
                .plan(MigrationPlan.standard("old", "new")).acknowledgements(acks).build();
        MirroringBackend<KeyValueStore> a = instance("a", control);
        FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
        for (int step = 1; step <= 5; step++) {
            flags.number(step);
            awaitAt(step - 1, migration);
        }
        flags.number(4);
        flags.awaitLooks(5);
        assertThat(roles(a)).isEqualTo("new/old=OFF@4");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement().satisfies(mentioning("4 ('old shadowed')",
                "[old] did not receive every write", "set the flag back to 5 ('old off')"));
    }

    @Test
    void aStepWaitsUntilEveryLiveInstanceAcknowledgedTheOneBeforeAndADeadOneHoldsItForOneLeaseAtMost() {
        flags.name("shadow");
        OpenFeatureControl control = control();
        MirroringBackend<KeyValueStore> a = instance("a", control);
        FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
        awaitAt(0, migration);
        acks.acknowledge("follows", "killed", 1, 0); // acknowledged step 1, then died
        flags.name("dual write");
        await().atMost(WAIT).until(() -> roles(a).equals("old/new=DUAL_WRITE@1"));

        flags.name("new answers");
        flags.awaitLooks(5);
        assertThat(roles(a)).as("killed has not acknowledged step 2").isEqualTo("old/new=DUAL_WRITE@1");
        assertThat(logs.events(Level.INFO, CapturedLogs.LIBRARY)).as("joining instances are not worth a line")
                .filteredOn(e -> e.message().contains("waits until")).singleElement().satisfies(mentioning("[killed]", "'new answers' (step 3)"));

        clock.advance(LEASE.minusSeconds(1));
        flags.awaitLooks(5);
        assertThat(roles(a)).isEqualTo("old/new=DUAL_WRITE@1");
        clock.advance(Duration.ofSeconds(1)); // killed's lease expires; a renews its own every look
        awaitAt(2, migration);
        assertThat(roles(a)).isEqualTo("new/old=DUAL_WRITE@2");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).isEmpty();
    }

    @Test
    void aProviderThatIsNotReadyFailsTheBuildAndAFlagThatNamesNoStepIsUnreachable() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        InMemoryProvider slow = new InMemoryProvider(Map.of(FLAG, Flag.<String>builder().variant("on", "shadow")
                .defaultVariant("on").build())) {
            @Override
            public void initialize(EvaluationContext context) throws Exception {
                ready.await();
                super.initialize(context);
            }
        };
        String slowDomain = domain + "-slow";
        OpenFeatureAPI.getInstance().setProvider(slowDomain, slow); // initializes on the SDK's thread
        try {
            OpenFeatureControl control = OpenFeatureControl.builder().client(OpenFeatureAPI.getInstance().getClient(slowDomain))
                    .backend("follows").stepFlag(FLAG).plan(MigrationPlan.standard("old", "new")).acknowledgements(acks).build();
            assertThatThrownBy(() -> control.current("follows")).isInstanceOf(ControlUnavailableException.class)
                    .hasMessageContaining("PROVIDER_NOT_READY");
            assertThatThrownBy(() -> instance("a", control)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot join its fleet").hasMessageContaining("OpenFeatureControl[flag '" + FLAG + "'");
            assertThat(acks.current("follows")).isEmpty();
        } finally {
            ready.countDown();
        }

        OpenFeatureControl control = control();
        assertThatThrownBy(() -> control.current("follows")).as("no flag").isInstanceOf(ControlUnavailableException.class)
                .hasMessageContaining("FLAG_NOT_FOUND");
        flags.name("cutover");
        assertThatThrownBy(() -> control.current("follows")).isInstanceOf(ControlUnavailableException.class)
                .hasMessageContaining("its value 'cutover' names no step of MigrationPlan[shadow, dual write");
        flags.name("");
        assertThatThrownBy(() -> control.current("follows")).isInstanceOf(ControlUnavailableException.class)
                .hasMessageContaining("answered the default");
        flags.number(2);
        assertThatThrownBy(() -> control.current("follows")).as("an integer where a name is expected")
                .isInstanceOf(ControlUnavailableException.class).hasMessageContaining("TYPE_MISMATCH");
        OpenFeatureControl numbered = OpenFeatureControl.builder().client(client()).backend("follows").stepNumberFlag(FLAG)
                .plan(MigrationPlan.standard("old", "new")).acknowledgements(acks).build();
        flags.number(6);
        assertThatThrownBy(() -> numbered.current("follows")).isInstanceOf(ControlUnavailableException.class)
                .hasMessageContaining("its value 6 is not a step number").hasMessageContaining("from 1 to 5");
        assertThat(acks.current("follows")).as("nothing guessed").isEmpty();
    }

    @Test
    void manyReadersRacingToFollowTheFlagMoveTheFleetOnceForEachChange() throws Exception {
        flags.number(1);
        Client client = client();
        List<OpenFeatureControl> readers = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // one per instance: each JVM has its own control object
            readers.add(OpenFeatureControl.builder().client(client).backend("follows").stepNumberFlag(FLAG)
                    .plan(MigrationPlan.standard("old", "new")).acknowledgements(acks).build());
        }
        int[] flagValues = {1, 2, 3, 4, 3, 4, 5};   // forward, one step back, forward to the end
        int[] stepOfVersion = {-1, 0, 1, 2, 3, 2, 3, 4};
        java.util.Set<String> wrong = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread operator = new Thread(() -> {
            for (int i = 0; i < flagValues.length; i++) {
                flags.number(flagValues[i]);
                long version = i + 1;
                await().atMost(WAIT).until(() -> acks.current("follows").map(ControlState::version).orElse(0L) >= version);
            }
        }, "operator");
        operator.start();
        dev.dualstore.testing.ConcurrentTestHarness.runConcurrently(readers.size(), t -> {
            long last = 0;
            while (last < flagValues.length) {
                Optional<ControlState> seen = readers.get(t).current("follows");
                long version = seen.map(ControlState::version).orElse(0L);
                if (version < last || (seen.isPresent() && seen.get().step() != stepOfVersion[(int) version])) {
                    wrong.add("reader " + t + " saw " + seen + " after version " + last);
                }
                last = version;
            }
        });
        operator.join();
        assertThat(wrong).isEmpty();
        ControlState end = acks.current("follows").orElseThrow();
        assertThat(end.version()).as("exactly one move per flag change").isEqualTo(flagValues.length);
        assertThat(end.stepName()).isEqualTo("old off");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).isEmpty();
    }

    @Test
    void anInstanceWhoseProviderLagsDoesNotUndoAMoveItHasNotSeen() {
        flags.name("shadow");
        OpenFeatureControl upToDate = control();
        Flags lagging = new Flags();
        lagging.name("shadow");
        String laggingDomain = domain + "-lagging";
        OpenFeatureAPI.getInstance().setProviderAndWait(laggingDomain, lagging);
        OpenFeatureControl behind = OpenFeatureControl.builder().client(OpenFeatureAPI.getInstance().getClient(laggingDomain))
                .backend("follows").stepFlag(FLAG).plan(MigrationPlan.standard("old", "new")).acknowledgements(acks).build();
        assertThat(upToDate.current("follows").orElseThrow().step()).isEqualTo(0);
        assertThat(behind.current("follows").orElseThrow().version()).isEqualTo(1);

        flags.name("dual write"); // the lagging provider has not received it yet
        assertThat(upToDate.current("follows").orElseThrow().stepName()).isEqualTo("dual write");
        for (int look = 0; look < 3; look++) {
            assertThat(behind.current("follows").orElseThrow().version()).as("not rolled back to the stale 'shadow'")
                    .isEqualTo(2);
        }
        lagging.name("dual write");
        assertThat(behind.current("follows").orElseThrow().version()).isEqualTo(2);
        lagging.name("shadow"); // a real rollback, seen first by the instance that had caught up
        assertThat(behind.current("follows").orElseThrow()).extracting(ControlState::version, ControlState::stepName)
                .containsExactly(3L, "shadow");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).isEmpty();
    }

    @Test
    void theBuilderNamesWhatIsMissingOrSetTwiceAndTheControlServesOneBackend() {
        assertThatThrownBy(() -> OpenFeatureControl.builder().backend("follows").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("OpenFeatureControl.builder() needs client(...), stepFlag(...) or stepNumberFlag(...), plan(...),"
                        + " acknowledgements(...)");
        assertThatThrownBy(() -> OpenFeatureControl.builder().stepFlag("a").stepNumberFlag("b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("step flag is set already (to a)");
        OpenFeatureControl control = control();
        assertThatThrownBy(() -> OpenFeatureControl.builder().acknowledgements(control))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not OpenFeatureControl[flag");
        assertThatThrownBy(() -> control.acknowledge("orders", "a", 0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backend 'orders' is not the backend of OpenFeatureControl").hasMessageContaining("'follows'");
        assertThat(control.lease()).isEqualTo(LEASE);
        assertThat(control.clock()).isSameAs(clock);
        assertThat(control.acknowledgements()).isSameAs(acks);
    }
}
