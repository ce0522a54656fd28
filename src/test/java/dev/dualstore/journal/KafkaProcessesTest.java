package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dualstore.MirroringBackend;
import dev.dualstore.backfill.AccountStore;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.testing.ChildJvms;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.EmbeddedKafka;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Kafka replayer in a child JVM ({@link JournalChild}), killed with -9 at random points and restarted. */
class KafkaProcessesTest {
    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @RegisterExtension
    static final Databases databases = new Databases();

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    private static JdbcTable accounts(String name) {
        databases.execute(Server.POSTGRESQL, "CREATE TABLE " + name + " (id bigint NOT NULL PRIMARY KEY, balance bigint"
                + " NOT NULL, note text)");
        return JdbcTable.of(databases.of(Server.POSTGRESQL), name);
    }

    private Process replayer(String topic, String target) throws Exception {
        return children.start(JournalChild.class, List.of("kafka-replay", "jdbc:postgresql://127.0.0.1:5432/"
                + databases.database(), kafka.bootstrapServers(), topic, target, "20"));
    }

    private static long committed() throws Exception {
        return kafka.committed("dualstore-replay-killed").values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }

    @Test
    void aReplayerKilledAtRandomPointsEndsWithTheTargetEqualToThePrimary() throws Exception {
        JdbcTable primary = accounts("kafka_killed_old");
        JdbcTable target = accounts("kafka_killed_new");
        String topic = kafka.newTopic(4);
        KafkaJournal journal = KafkaJournal.builder(kafka.clientConfig(), topic).meterRegistry(new SimpleMeterRegistry())
                .build();
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class)
                .primary("old", AccountStore.over(primary)).journal(journal).meterRegistry(new SimpleMeterRegistry())
                .build();
        int entries = 400;
        // Keys 0..299 written once, then every third again (100 entries), by four writers that
        // each own the keys congruent to their index mod 4: a skipped entry leaves a row missing or old.
        ConcurrentTestHarness.runConcurrently(4, writer -> {
            for (long id = writer; id < 300; id += 4) {
                backend.proxy().put(id, id, "first");
            }
            for (long id = writer; id < 300; id += 4) {
                if (id % 3 == 0) {
                    backend.proxy().put(id, 1_000 + id, "second");
                }
            }
        });
        backend.close();
        assertThat(backend.keysToRepair("journal")).isEmpty();
        journal.close();

        Random random = new Random();
        TreeSet<Integer> killAt = new TreeSet<>();
        while (killAt.size() < 3) {
            killAt.add(40 + 20 * random.nextInt(15));
        }
        for (int position : killAt) {
            Process child = replayer(topic, "kafka_killed_new");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5)).until(() -> !child.isAlive()
                    || committed() >= position);
            assertThat(child.isAlive()).as("replayer still running when killed after %s\n%s", position,
                    children.output()).isTrue();
            child.destroyForcibly().waitFor();
        }
        long before = committed();
        assertThat(before).isGreaterThanOrEqualTo(killAt.last());
        Process last = replayer(topic, "kafka_killed_new");
        children.finish(last);
        Matcher m = Pattern.compile("caught up (\\d+)").matcher(Files.readString(children.out(children.last())));
        assertThat(m.find()).as("caught up in\n%s", children.output()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(entries - before);
        assertThat(committed()).isEqualTo(entries);
        assertThat(ReplayerTest.all(target)).hasSize(300).isEqualTo(ReplayerTest.all(primary));
    }
}
