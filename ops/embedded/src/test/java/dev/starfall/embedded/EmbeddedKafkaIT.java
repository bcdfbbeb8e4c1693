package dev.starfall.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.starfall.schemas.TopicProvisioner;
import dev.starfall.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    private static final Topics.TopicSpec TOPIC = new Topics.TopicSpec("embedded-it.records", 1,
            Map.of("cleanup.policy", "delete", "retention.ms", "-1"));

    @TempDir
    Path dataDir;

    @Test
    void shouldProduceAndConsumeARoundTrip() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dataDir))) {
            createTopic(kafka);
            produce(kafka, List.of("a", "b", "c"));

            assertThat(consumeAll(kafka, 3)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void shouldKeepTopicsAndRecordsAcrossARestartOnTheSameDataDir() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dataDir))) {
            createTopic(kafka);
            produce(kafka, List.of("before-1", "before-2"));
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.ephemeral(dataDir))) {
            try (Admin admin = admin(kafka)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(TOPIC.name());
                new TopicProvisioner(admin, (short) 1).awaitPartitionsAnswer(List.of(TOPIC.name()),
                        System.nanoTime() + Duration.ofSeconds(60).toNanos());
            }
            produce(kafka, List.of("after"));

            assertThat(consumeAll(kafka, 3)).containsExactly("before-1", "before-2", "after");
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return Admin.create(p);
    }

    private static void createTopic(EmbeddedKafka kafka) {
        try (Admin admin = admin(kafka)) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(TOPIC), Duration.ofSeconds(60));
        }
    }

    private static void produce(EmbeddedKafka kafka, List<String> values) throws Exception {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(TOPIC.name(), value, value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> consumeAll(EmbeddedKafka kafka, int expected) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
