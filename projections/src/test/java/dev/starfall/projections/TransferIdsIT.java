package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.domain.TransferIdKey;
import dev.starfall.schemas.Topics;
import dev.starfall.schemas.TransferIds;
import dev.starfall.schemas.avro.TransferObserved;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker, with exactly-once as the projections run: a fresh instance restores the
 * transfer ids from their changelog (keys led by the block time, {@code TransferIdKey}) together
 * with an id each earlier version recorded there (the id alone as the key; the block time then the
 * id), and counts none of those transfers again when a chain API sends them again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransferIdsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String APPLICATION = "transfer-ids-it";
    private static final BigInteger UST = BigInteger.valueOf(1_000_000);

    private final Manifest manifest = ManifestLoader.loadDefault();
    private PipelineOnBroker pipeline;

    @BeforeAll
    void startBroker(@TempDir Path tmp) throws Exception {
        pipeline = PipelineOnBroker.start(manifest, tmp);
    }

    @AfterAll
    void stopBroker() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldCountNoTransferAgainAfterAFreshRestore(@TempDir Path state) throws Exception {
        int partitions = Topics.TRANSFERS_OBSERVED.partitions();
        Instant inOne = manifest.schedule().closeOf(1).minusSeconds(600);
        Instant inTwo = manifest.schedule().closeOf(2).minusSeconds(600);
        // what an earlier version recorded of transfer "legacy" (shower 1), before this application first ran
        String changelog = Stores.changelog(APPLICATION, Stores.TRANSFER_IDS);
        try (Admin admin = pipeline.admin(); KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pipeline.producerProps(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(changelog, partitions, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
            byte[] blockTime = new LongSerializer().serialize(changelog, inOne.toEpochMilli()); // earlier versions' value
            producer.send(new ProducerRecord<>(changelog, ShowerPartitions.partitionOf(1, partitions),
                    TransferIdKey.legacy(TransferIds.of("terra-classic", "legacy", 0)), blockTime)).get();
            producer.send(new ProducerRecord<>(changelog, ShowerPartitions.partitionOf(1, partitions),
                    TransferIdKey.timeOrdered(inOne.toEpochMilli(), TransferIds.of("terra-classic", "time-ordered", 0)), blockTime)).get();
        }

        List<TransferObserved> first = new ArrayList<>();
        first.add(transfer("legacy", "w0", inOne));
        first.add(transfer("time-ordered", "w0", inOne));
        for (int i = 0; i < 200; i++) {
            first.add(transfer("one-" + i, "w" + (i % 40), inOne.plusSeconds(i)));
        }
        for (int i = 0; i < 100; i++) {
            first.add(transfer("two-" + i, "v" + (i % 20), inTwo.plusSeconds(i)));
        }
        pipeline.publish(first);
        ProjectionsService a = pipeline.startInstance(APPLICATION, state.resolve("a"));
        awaitCounted(a, first.size());
        assertThat(totals(a).get(1)).extracting(ShowerTotals::transfers, ShowerTotals::duplicates).as("both earlier versions' ids are found")
                .containsExactly(200L, 2L);
        assertThat(totals(a).get(2)).extracting(ShowerTotals::transfers, ShowerTotals::duplicates).containsExactly(100L, 0L);
        pipeline.stop(a);

        // sent again by a chain API, and one new transfer; read by a fresh instance, which restores first
        List<TransferObserved> second = List.of(first.get(0), first.get(1), first.get(5), first.get(201), first.get(251),
                transfer("two-new", "v1", inTwo.plusSeconds(500)));
        pipeline.publish(second);
        ProjectionsService b = pipeline.startInstance(APPLICATION, state.resolve("b"));
        awaitCounted(b, first.size() + second.size());
        assertThat(totals(b).get(1)).extracting(ShowerTotals::transfers, ShowerTotals::duplicates, ShowerTotals::late)
                .containsExactly(200L, 6L, 0L);
        assertThat(totals(b).get(2)).extracting(ShowerTotals::transfers, ShowerTotals::duplicates, ShowerTotals::late)
                .containsExactly(101L, 1L, 0L);
        pipeline.stop(b);
    }

    private TransferObserved transfer(String tx, String wallet, Instant at) {
        return TransferObserved.newBuilder().setChain("terra-classic").setChainId("columbus-5").setTxHash(tx).setMessageIndex(0)
                .setBlockHeight(1).setBlockTime(at).setSender(wallet).setRecipient(manifest.event().getDestinationWallet())
                .setDenom("uusd").setAmount(new BigDecimal(UST)).setSourceEndpoint("it").setObservedAt(at).build();
    }

    /** The instance's shower totals; empty while it is not running. */
    private static Map<Integer, ShowerTotals> totals(ProjectionsService s) {
        return PipelineOnBroker.totals(s).orElse(Map.of());
    }

    private static void awaitCounted(ProjectionsService s, long records) {
        try {
            Await.until("every record counted", DEADLINE, () -> countedAndDuplicates(s) == records);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + countedAndDuplicates(s) + " of " + records + " (" + s.streams().state() + ", "
                    + totals(s) + ")", e);
        }
    }

    /** Every record counted: as a transfer, a duplicate or a late transfer (shower 1 closes once every input partition passes it). */
    private static long countedAndDuplicates(ProjectionsService s) {
        return totals(s).values().stream().mapToLong(t -> t.transfers() + t.duplicates() + t.late()).sum();
    }
}
