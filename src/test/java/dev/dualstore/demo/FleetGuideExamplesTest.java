package dev.dualstore.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Stage;
import dev.dualstore.fleet.FleetMigration;
import dev.dualstore.fleet.MigrationPlan;
import dev.dualstore.fleet.PlanStep;
import dev.dualstore.fleet.Transition;
import dev.dualstore.jdbc.JdbcMigrationControl;
import dev.dualstore.openfeature.OpenFeatureControl;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.DriverDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The examples of the guide's chapter "Running a migration across a fleet", compiled and run
 * (GuideExamplesTest checks the guide quotes them line for line): two instances of the follows
 * service in this JVM share a control table in H2.
 */
class FleetGuideExamplesTest {
    private static final OffsetDateTime AT = OffsetDateTime.parse("2017-02-14T12:00:00Z");

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final DataSource dataSource = new DriverDataSource("jdbc:h2:mem:guide_fleet_" + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final List<MirroringBackend<FollowStore>> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() {
        instances.forEach(MirroringBackend::close);
    }

    /** One instance of the service, as each process builds it. */
    private MirroringBackend<FollowStore> instance(String name, FollowStore oldStore, FollowStore newStore) {
        MeterRegistry registry = new SimpleMeterRegistry();
        JdbcMigrationControl control = JdbcMigrationControl.in(dataSource, "dualstore_control")
                .withLease(Duration.ofSeconds(15), Duration.ofMillis(20));   // tests look more often than once a second
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("old", oldStore).secondary("new", newStore)
                .reads("getAssoc", "followers")
                .writes("follow", "unfollow")
                .control(control)                       // stage, roles and rollout follow the shared plan
                .instanceName(name)                     // default: host:pid
                .meterRegistry(registry)
                .build();                               // joins the fleet at its current step, or fails
        instances.add(backend);
        return backend;
    }

    @Test
    void theRunbook() throws Exception {
        MirroringBackend<FollowStore> a = instance("a", new OldFollowStore(), NewFollowStore.fixed());
        MirroringBackend<FollowStore> b = instance("b", new OldFollowStore(), NewFollowStore.fixed());
        JdbcMigrationControl control = JdbcMigrationControl.in(dataSource, "dualstore_control");
        List<String> printed = new ArrayList<>();

        FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
        Transition next = migration.previewAdvance();   // the dry run: what changes, who has not acknowledged
        printed.add(next.toString());
        if (next.allowed()) {
            migration.advance();                        // refused unless every live instance acknowledged the step before
        }
        boolean acknowledged = migration.awaitAcknowledged(Duration.ofSeconds(30));
        assertThat(acknowledged).isTrue();
        assertThat(printed.get(0)).isEqualTo("no plan started -> 'shadow'\n  old: as configured -> primary\n"
                + "  new: as configured -> SHADOW\n  rollout: as configured -> 100.0%");

        migration.advance();                            // dual write
        migration.awaitAcknowledged(Duration.ofSeconds(30));
        a.proxy().follow("alice", "channel-1", AT);
        assertThat(b.stage("new")).isEqualTo(Stage.DUAL_WRITE);
        migration.advance();                            // new answers
        migration.awaitAcknowledged(Duration.ofSeconds(30));
        assertThat(List.of(a.primaryName(), b.primaryName())).containsExactly("new", "new");

        Transition back = migration.previewRollback();
        assertThat(back.changes()).containsExactly("old: DUAL_WRITE -> primary", "new: primary -> DUAL_WRITE");
        migration.rollback();                           // old answers again; both were written before every call returned
        migration.awaitAcknowledged(Duration.ofSeconds(30));
        assertThat(a.primaryName()).isEqualTo("old");

        assertThatThrownBy(() -> a.promote("new")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("follows JdbcMigrationControl[dualstore_control]");
        assertThat(migration.liveInstances()).hasSize(2);
    }

    /** One instance's control when a flag system holds the step, as each process builds it. */
    private OpenFeatureControl flagControl() {
        OpenFeatureControl flagControl = OpenFeatureControl.builder()
                .client(OpenFeatureAPI.getInstance().getClient("dualstore"))
                .backend("follows")                     // the targeting key: every instance gets the same value
                .stepFlag("follows-migration-step")     // a string flag naming the step; or stepNumberFlag: 1 to 5
                .plan(MigrationPlan.standard("old", "new"))
                .acknowledgements(JdbcMigrationControl.in(dataSource, "dualstore_control")
                        .withLease(Duration.ofSeconds(15), Duration.ofMillis(20)))
                .build();
        return flagControl;
    }

    private MirroringBackend<FollowStore> flagInstance(String name) {
        OpenFeatureControl flagControl = flagControl();
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("old", new OldFollowStore()).secondary("new", NewFollowStore.fixed())
                .reads("getAssoc", "followers")
                .writes("follow", "unfollow")
                .control(flagControl)                   // instead of the table alone
                .instanceName(name)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
        instances.add(backend);
        return backend;
    }

    private static void setStep(InMemoryProvider provider, String step) {
        provider.updateFlag("follows-migration-step", Flag.<String>builder().variant("on", step).defaultVariant("on").build());
    }

    @Test
    void theRunbookWithAFlag() throws Exception {
        InMemoryProvider provider = new InMemoryProvider(Map.of());
        setStep(provider, "shadow");
        OpenFeatureAPI.getInstance().setProviderAndWait("dualstore", provider);   // your flag system's provider, ready before build()
        MirroringBackend<FollowStore> a = flagInstance("a");
        MirroringBackend<FollowStore> b = flagInstance("b");
        OpenFeatureControl flagControl = flagControl();
        List<String> printed = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> a.controlState().isPresent() && b.controlState().isPresent());   // both at 'shadow'

        FleetMigration migration = FleetMigration.of(flagControl, "follows", flagControl.plan());
        printed.add(migration.previewAdvance().toString());   // the dry run and the acknowledgements, as with the table
        setStep(provider, "dual write");                      // done in the flag system
        boolean followed = migration.awaitAcknowledged(Duration.ofSeconds(30));
        assertThat(printed.get(0)).startsWith("step 1 'shadow' (version 1: primary old, new=SHADOW) -> 'dual write'\n"
                + "  new: SHADOW -> DUAL_WRITE");
        assertThat(followed).isTrue();
        assertThat(List.of(a.stage("new"), b.stage("new"))).containsExactly(Stage.DUAL_WRITE, Stage.DUAL_WRITE);
        assertThat(migration.current().orElseThrow().version()).isEqualTo(2);

        assertThatThrownBy(migration::advance).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("change the flag to 'new answers' (step 3) in the flag system");
        assertThatThrownBy(() -> a.promote("new")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("OpenFeatureControl[flag 'follows-migration-step'");
        assertThat(migration.liveInstances()).hasSize(2);
    }

    @Test
    void aPlanOfYourOwn() {
        MigrationPlan plan = MigrationPlan.of(
                PlanStep.of("writes only", "old", "new", Stage.SHADOW_WRITES),
                PlanStep.of("shadow", "old", "new", Stage.SHADOW),
                PlanStep.of("dual write", "old", "new", Stage.DUAL_WRITE),
                PlanStep.of("new answers", "new", "old", Stage.DUAL_WRITE),
                PlanStep.of("old writes only", "new", "old", Stage.SHADOW_WRITES));
        assertThat(plan.steps()).hasSize(5);
        assertThatThrownBy(() -> MigrationPlan.of(
                PlanStep.of("shadow", "old", "new", Stage.SHADOW),
                PlanStep.of("cutover", "new", "old", Stage.SHADOW)))   // refused: old answers one, is SHADOW in the other
                .isInstanceOf(IllegalArgumentException.class);
    }
}
