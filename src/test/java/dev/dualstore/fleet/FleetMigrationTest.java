package dev.dualstore.fleet;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import org.slf4j.event.Level;
import dev.dualstore.MirroringBackend;
import dev.dualstore.Stage;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.MigrationControl;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualClock;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.SwitchableControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Instances following one in-memory control, moved by a FleetMigration, with a clock the test moves. */
class FleetMigrationTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final ManualClock clock = new ManualClock();
    // Instances look every 5 ms of real time; leases are judged by the manual clock.
    private final MigrationControl control = MigrationControl.inMemory(clock, LEASE, Duration.ofMillis(5));
    private final FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
    private final List<MirroringBackend<KeyValueStore>> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() {
        instances.forEach(MirroringBackend::close);
    }

    private MirroringBackend<KeyValueStore> instance(String name, MigrationControl view, SimpleMeterRegistry registry) {
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry).name("follows").control(view)
                .instanceName(name).build();
        instances.add(backend);
        return backend;
    }

    private MirroringBackend<KeyValueStore> instance(String name) {
        return instance(name, control, new SimpleMeterRegistry());
    }

    private void awaitAcknowledged() {
        await().atMost(WAIT).until(() -> migration.notAcknowledged().isEmpty());
    }

    @Test
    void everyInstanceFollowsEachStepOfTheStandardPlan() {
        MirroringBackend<KeyValueStore> a = instance("a");
        MirroringBackend<KeyValueStore> b = instance("b");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            migration.advance();
            awaitAcknowledged();
            for (MirroringBackend<KeyValueStore> x : List.of(a, b)) {
                String other = x.primaryName().equals("old") ? "new" : "old";
                seen.add(x.primaryName() + "/" + other + "=" + x.stage(other) + "@" + x.controlState().orElseThrow().step());
            }
        }
        assertThat(seen).containsExactly("old/new=SHADOW@0", "old/new=SHADOW@0", "old/new=DUAL_WRITE@1", "old/new=DUAL_WRITE@1",
                "new/old=DUAL_WRITE@2", "new/old=DUAL_WRITE@2", "new/old=SHADOW@3", "new/old=SHADOW@3", "new/old=OFF@4",
                "new/old=OFF@4");
        assertThatThrownBy(migration::advance).isInstanceOf(IllegalStateException.class).hasMessageContaining("last step");
        assertThatThrownBy(migration::rollback).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[old] did not receive every write").hasMessageContaining("'old off'");
    }

    @Test
    void aStepBeginsOnlyOnceEveryLiveInstanceAcknowledgedTheOneBefore() {
        SwitchableControl cutOff = new SwitchableControl(control);
        instance("a");
        MirroringBackend<KeyValueStore> b = instance("b", cutOff, new SimpleMeterRegistry());
        migration.advance();
        awaitAcknowledged();
        cutOff.reachable(false);
        migration.advance(); // every live instance acknowledged step 1: allowed; b cannot see it
        await().atMost(WAIT).until(() -> migration.notAcknowledged().equals(List.of("b")));

        Transition preview = migration.previewAdvance();
        assertThat(preview.allowed()).isFalse();
        assertThat(preview.notAcknowledged()).containsExactly("b");
        assertThatThrownBy(migration::advance).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("live instances [b] have not acknowledged step 2 'dual write'");
        assertThat(b.controlState().orElseThrow().step()).as("b keeps step 1, never guesses ahead").isEqualTo(0);
        assertThat(b.stage("new")).isEqualTo(Stage.SHADOW);

        cutOff.reachable(true);
        awaitAcknowledged();
        assertThat(b.stage("new")).isEqualTo(Stage.DUAL_WRITE);
        assertThat(migration.advance().to().orElseThrow().name()).isEqualTo("new answers");
    }

    @Test
    void aDeadInstanceHoldsTheFleetBackForOneLeaseAtMost() {
        instance("a");
        migration.advance();
        awaitAcknowledged();
        control.acknowledge("follows", "killed", 1, 0); // acknowledged step 1, then died
        migration.advance();
        await().atMost(WAIT).until(() -> migration.notAcknowledged().equals(List.of("killed")));
        assertThat(migration.previewAdvance().allowed()).isFalse();

        clock.advance(LEASE.minusSeconds(1));
        assertThat(migration.previewAdvance().notAcknowledged()).containsExactly("killed");
        clock.advance(Duration.ofSeconds(1));
        // a renews its lease every look; killed's has expired
        await().atMost(WAIT).until(() -> migration.previewAdvance().allowed());
        assertThat(migration.liveInstances()).extracting(i -> i.instance()).containsExactly("a");
    }

    @Test
    void theDryRunSaysWhatChangesAndChangesNothing() {
        instance("a");
        Transition start = migration.previewAdvance();
        assertThat(start.from()).isEmpty();
        assertThat(start.to().orElseThrow().name()).isEqualTo("shadow");
        migration.advance();
        awaitAcknowledged();
        control.acknowledge("follows", "slow", 1, 0);

        Transition next = migration.previewAdvance();
        assertThat(next.changes()).containsExactly("new: SHADOW -> DUAL_WRITE");
        assertThat(next.allowed()).isTrue();
        migration.advance();
        Transition cutover = migration.previewAdvance();
        assertThat(cutover.changes()).containsExactly("new: DUAL_WRITE -> primary", "old: primary -> DUAL_WRITE");
        assertThat(cutover.toString()).contains("not acknowledged yet by [", "slow");
        Transition back = migration.previewRollback();
        assertThat(back.changes()).containsExactly("new: DUAL_WRITE -> SHADOW");
        assertThat(migration.current().orElseThrow().version()).as("previews change nothing").isEqualTo(2);
    }

    @Test
    void manualPromoteStageAndSampleRateAreRefusedNamingTheControl() {
        MirroringBackend<KeyValueStore> a = instance("a");
        assertThatThrownBy(() -> a.promote("new")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("promote(\"new\") refused").hasMessageContaining("MigrationControl.inMemory()")
                .hasMessageContaining("instance a").hasMessageContaining("FleetMigration");
        assertThatThrownBy(() -> a.stage("new", Stage.OFF)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stage(\"new\", OFF) refused");
        assertThatThrownBy(() -> a.sampleRate(50)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("follows MigrationControl.inMemory()");
        assertThat(a.primaryName()).isEqualTo("old");
        assertThat(a.stage("new")).isEqualTo(Stage.SHADOW);
    }

    @Test
    void anInstanceThatCannotReachTheControlKeepsItsStepWarnsOnceAndSaysSoInItsMeters() {
        SwitchableControl cutOff = new SwitchableControl(control);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MeterReader meters = new MeterReader(registry);
        MirroringBackend<KeyValueStore> a = instance("a", cutOff, registry);
        migration.advance();
        awaitAcknowledged();
        assertThat(registry.get(MeterNames.CONTROL_STEP).gauge().value()).isEqualTo(1);

        cutOff.reachable(false);
        migration.advance();
        await().atMost(WAIT).until(() -> cutOff.refused() >= 5);
        clock.advance(Duration.ofSeconds(7));
        await().atMost(WAIT).until(() -> registry.get(MeterNames.CONTROL_STALENESS).gauge().value() == 7.0);
        assertThat(a.stage("new")).isEqualTo(Stage.SHADOW);
        assertThat(registry.get(MeterNames.CONTROL_STEP).gauge().value()).isEqualTo(1);
        assertThat(meters.count(MeterNames.CONTROL_ERRORS, "kind", "unreachable")).isGreaterThanOrEqualTo(5);
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement()
                .satisfies(mentioning("lost contact", "SwitchableControl", "keeps step 1 'shadow'"));

        cutOff.reachable(true);
        awaitAcknowledged();
        assertThat(a.stage("new")).isEqualTo(Stage.DUAL_WRITE);
        assertThat(registry.get(MeterNames.CONTROL_STEP).gauge().value()).isEqualTo(2);
        assertThat(registry.get(MeterNames.CONTROL_STALENESS).gauge().value()).isZero();
        assertThat(meters.count(MeterNames.CONTROL_ACKNOWLEDGEMENTS)).isEqualTo(2);
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).hasSize(1);
        assertThat(logs.events(Level.INFO, CapturedLogs.LIBRARY)).anySatisfy(mentioning("reached again"));
        assertThat(meters.timed(MeterNames.CONTROL_TRANSITIONS, "result", "success")).as("steps 1 and 2").isEqualTo(2);
    }

    @Test
    void aRestartedInstanceJoinsAtTheCurrentStepBeforeBuildReturns() {
        instance("a");
        for (int i = 0; i < 3; i++) {
            migration.advance();
            awaitAcknowledged();
        }
        InMemoryKeyValueStore old = new InMemoryKeyValueStore();
        InMemoryKeyValueStore fresh = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> restarted = Backends.keyValue(new SimpleMeterRegistry(), old, fresh)
                .name("follows").control(control).instanceName("a-restarted").build()) {
            assertThat(restarted.primaryName()).isEqualTo("new");
            assertThat(restarted.stage("old")).isEqualTo(Stage.DUAL_WRITE);
            restarted.proxy().put("k", "v");
            assertThat(old.get("k")).as("old is written before the call returns").isEqualTo("v");
            assertThat(fresh.get("k")).isEqualTo("v");
            assertThat(migration.notAcknowledged()).isEmpty();
            assertThat(migration.liveInstances()).extracting(i -> i.instance()).contains("a-restarted");
        }
        assertThat(migration.liveInstances()).extracting(i -> i.instance()).as("close leaves the fleet").containsExactly("a");
    }

    @Test
    void theControlThreadIsANamedDaemonThatCloseStops() {
        MirroringBackend<KeyValueStore> a = Backends.keyValue(new SimpleMeterRegistry()).name("watched").control(control)
                .instanceName("a").build();
        assertThat(controlThreads()).singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());
        a.close();
        assertThat(controlThreads()).isEmpty();
        assertThat(control.liveInstances("watched")).isEmpty();
    }

    private static List<Thread> controlThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("dualstore-watched-control") && t.isAlive()).toList();
    }

    @Test
    void buildFailsWhenTheControlCannotBeReached() {
        SwitchableControl cutOff = new SwitchableControl(control);
        cutOff.reachable(false);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThatThrownBy(() -> Backends.keyValue(registry).name("follows").control(cutOff).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backend 'follows' cannot join its fleet: SwitchableControl")
                .hasMessageContaining("step to serve is unknown");
        assertThat(registry.getMeters()).isEmpty();
        // built again after the failure: the name was released
        instance("a", control, registry);
    }

    @Test
    void aStepNamingAStoreTheBackendLacksFailsTheBuild() {
        FleetMigration other = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "dynamo"));
        other.advance();
        assertThatThrownBy(() -> instance("a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names the stores [old, dynamo] and this backend has [old, new]");
    }

    @Test
    void concurrentAdvancesNeverMoveTheFleetTwiceFromOneVersion() throws Exception {
        for (int round = 0; round < 50; round++) {
            MigrationControl shared = MigrationControl.inMemory(clock, LEASE, Duration.ofMillis(5));
            Set<Long> movedFrom = ConcurrentHashMap.newKeySet();
            AtomicInteger moves = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ConcurrentTestHarness.runConcurrently(8, thread -> {
                try {
                    Transition t = FleetMigration.of(shared, "follows", MigrationPlan.standard("old", "new")).advance();
                    moves.incrementAndGet();
                    movedFrom.add(t.from().map(ControlState::version).orElse(0L));
                } catch (IllegalStateException e) {
                    assertThat(e.getMessage()).containsAnyOf("moved from version", "last step");
                    refused.incrementAndGet();
                }
            });
            assertThat(movedFrom).as("each version left once").hasSize(moves.get());
            assertThat(moves.get() + refused.get()).isEqualTo(8);
            assertThat(shared.current("follows").map(ControlState::version)).contains((long) moves.get());
        }
    }

    @Test
    void plansWhoseNeighboursAreNotSafeTogetherAreRefusedNamingThem() {
        assertThatThrownBy(() -> MigrationPlan.of(PlanStep.of("shadow", "old", "new", Stage.SHADOW),
                PlanStep.of("cutover", "new", "old", Stage.SHADOW)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("steps 'shadow' and 'cutover' are not safe together: 'old' answers in one of them"
                        + " but is SHADOW in 'cutover'");
        assertThatThrownBy(() -> MigrationPlan.of(new PlanStep("dual", "old", Map.of("new", Stage.DUAL_WRITE), 50),
                PlanStep.of("new answers", "new", "old", Stage.DUAL_WRITE)))
                .hasMessageContaining("'new' answers in one of them but is DUAL_WRITE with 50.0% rollout in 'dual'");
        assertThatThrownBy(() -> MigrationPlan.of(PlanStep.of("a", "old", "new", Stage.SHADOW),
                PlanStep.of("a", "old", "new", Stage.DUAL_WRITE))).hasMessageContaining("two steps are named 'a'");
        assertThat(MigrationPlan.standard("old", "new").steps()).extracting(PlanStep::name)
                .containsExactly("shadow", "dual write", "new answers", "old shadowed", "old off");
    }

    @Test
    void aStepThatCannotBeDrainedInTimeIsTriedAgainAndNotAcknowledgedMeanwhile() throws Exception {
        ScriptedKeyValueStore fresh = new ScriptedKeyValueStore();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MeterReader meters = new MeterReader(registry);
        MirroringBackend<KeyValueStore> a = Backends.keyValue(registry, new InMemoryKeyValueStore(), fresh).name("follows")
                .control(control).instanceName("a").promoteTimeout(Duration.ofMillis(100)).build();
        instances.add(a);
        migration.advance();
        awaitAcknowledged();
        ScriptedKeyValueStore.Gate held = fresh.holdBefore("put", "k");
        a.proxy().put("k", "v");
        assertThat(held.awaitArrival(WAIT)).isTrue();
        migration.advance(); // dual write: new's queue must drain first, and cannot
        await().atMost(WAIT).until(() -> meters.timed(MeterNames.CONTROL_TRANSITIONS, "result", "error") >= 2);
        assertThat(a.stage("new")).isEqualTo(Stage.SHADOW);
        assertThat(migration.notAcknowledged()).containsExactly("a");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement()
                .satisfies(mentioning("could not move to step 2 'dual write'", "did not finish within", "stays at step 1"));

        held.open();
        awaitAcknowledged();
        assertThat(a.stage("new")).isEqualTo(Stage.DUAL_WRITE);
        assertThat(fresh.get("k")).isEqualTo("v");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).hasSize(1);
    }

    @Test
    void aStepNamingAStoreTheInstanceLacksIsNeitherAppliedNorAcknowledged() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MeterReader meters = new MeterReader(registry);
        MirroringBackend<KeyValueStore> a = instance("a", control, registry);
        migration.advance();
        awaitAcknowledged();
        FleetMigration.of(control, "follows", MigrationPlan.of(PlanStep.of("shadow", "old", "dynamo", Stage.SHADOW),
                PlanStep.of("dual write", "old", "dynamo", Stage.DUAL_WRITE))).advance();
        await().atMost(WAIT).until(() -> meters.count(MeterNames.CONTROL_ERRORS, "kind", "unusable") >= 3);
        assertThat(a.stage("new")).isEqualTo(Stage.SHADOW);
        assertThat(migration.notAcknowledged()).containsExactly("a");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement()
                .satisfies(mentioning("cannot apply", "[old, dynamo]", "[old, new]", "stays at step 1 'shadow'"));
    }

    @Test
    void aLeaseMustOutlastTwoLooks() {
        assertThatThrownBy(() -> MigrationControl.inMemory(clock, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease PT2S must be longer than twice");
        assertThatThrownBy(() -> Backends.keyValue(new SimpleMeterRegistry()).instanceName("a").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("instanceName(\"a\") is set without control");
        assertThatThrownBy(() -> Backends.keyValue(new SimpleMeterRegistry()).control(control).control(control))
                .isInstanceOf(IllegalStateException.class).hasMessage("control was already set");
    }
}
