package dev.dualstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker of {@link EmbeddedKafka} takes records and gives them back. */
class EmbeddedKafkaTest {
    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @Test
    void aRecordSentIsReadBack() throws Exception {
        String topic = kafka.newTopic(2);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.rawProducerConfig())) {
            producer.send(new ProducerRecord<>(topic, "k", new byte[] {1, 2})).get();
        }
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.rawConsumerConfig())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        assertThat(read).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("k");
            assertThat(r.value()).containsExactly(1, 2);
        });
    }
}
