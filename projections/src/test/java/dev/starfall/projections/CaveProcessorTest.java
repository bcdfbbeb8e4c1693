package dev.starfall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import dev.starfall.projections.domain.Meteor;
import dev.starfall.projections.domain.WalletMeteorKey;
import dev.starfall.projections.query.CaveReader;
import dev.starfall.projections.query.MeteorView;
import dev.starfall.schemas.avro.ShowerResult;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caves are read back from the results topic, which is partitioned by wallet: a task keeps only its own wallets. */
class CaveProcessorTest {

    private static final int PARTITIONS = 6;

    @TempDir
    File stateDir;

    @Test
    void aResultInItsWalletsPartitionIsAddedToTheCaveIdempotently() {
        String wallet = walletOf(2);
        Harness h = new Harness(2, stateDir);
        h.process(result(9, wallet, 1));
        h.process(result(5, wallet, 3));
        h.process(result(5, wallet, 3)); // re-emitted after a restart: the same meteor, once
        assertEquals(new Meteor(5, 3, "gold", BigInteger.valueOf(500)), h.meteors.get(new WalletMeteorKey(wallet, 5)));
        assertEquals(List.of(new MeteorView(5, 3, "gold", "500"), new MeteorView(9, 1, "gold", "500")),
                new CaveReader(h.meteors).meteors(wallet), "by shower, once each");
    }

    @Test
    void aCaveHoldsItsWalletsMeteorsOnlyNotThoseOfAWalletItPrefixes() {
        // same partition for both, so the store holds both: the length in the key keeps the scan to one wallet
        String wallet = walletOf(2);
        String longer = IntStream.range(0, 10_000).mapToObj(i -> wallet + i)
                .filter(w -> WalletPartitions.partitionOf(w, PARTITIONS) == 2).findFirst().orElseThrow();
        Harness h = new Harness(2, stateDir);
        h.process(result(7, longer, 2));
        h.process(result(3, wallet, 4));
        h.process(result(12, longer, 1));
        CaveReader reader = new CaveReader(h.meteors);
        assertEquals(List.of(new MeteorView(3, 4, "gold", "500")), reader.meteors(wallet));
        assertEquals(List.of(new MeteorView(7, 2, "gold", "500"), new MeteorView(12, 1, "gold", "500")), reader.meteors(longer));
        assertEquals(List.of(), reader.meteors("terra1nobody"));
    }

    @Test
    void everyWriteInitAndCloseMovesTheVersionOfItsPartitionOnly() {
        String wallet = walletOf(2);
        Harness h = new Harness(2, stateDir);
        long afterInit = h.versions.version(2);
        long other = h.versions.version(3);
        assertTrue(afterInit > 0, "init moves the version: the store may have been restored or wiped");
        h.process(result(5, wallet, 3));
        long afterWrite = h.versions.version(2);
        assertTrue(afterWrite > afterInit);
        assertEquals(1, new CaveReader(h.meteors).meteors(wallet).size());
        h.processor.close();
        assertTrue(h.versions.version(2) > afterWrite, "a closed (revoked) task's reads are not known to hold");
        assertEquals(other, h.versions.version(3));
        assertTrue(h.versions.unchangedSince(3, other));
        assertTrue(!h.versions.unchangedSince(2, afterWrite));
    }

    @Test
    void aResultOutsideItsWalletsPartitionStopsWithTheLayoutNamed() {
        String wallet = walletOf(4);
        Harness h = new Harness(1, stateDir);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.process(result(5, wallet, 3)));
        assertTrue(e.getMessage().contains("belongs to partition 4 of 6"), e.getMessage());
        assertTrue(e.getMessage().contains("written with another partitioning"), e.getMessage());
        assertEquals(List.of(), new CaveReader(h.meteors).meteors(wallet));
    }

    @Test
    void resultsGoToThePartitionThatQueriesForTheWalletAsk() {
        // queryMetadataForKey(Stores.METEORS, wallet, StringSerializer) uses the default partitioner over the wallet
        for (int i = 0; i < 200; i++) {
            String wallet = "terra1wallet" + i;
            int expected = BuiltInPartitioner.partitionForKey(new StringSerializer().serialize("t", wallet), PARTITIONS);
            ShowerResult r = result(1, wallet, 1);
            assertEquals(java.util.Optional.of(java.util.Set.of(expected)),
                    WalletPartitions.partitioner().partitions("starfall.results.v1", "1:" + wallet, r, PARTITIONS));
        }
    }

    /** The first of a run of generated wallets that the default partitioner puts in {@code partition}. */
    private static String walletOf(int partition) {
        return IntStream.range(0, 10_000).mapToObj(i -> "terra1cave" + i)
                .filter(w -> WalletPartitions.partitionOf(w, PARTITIONS) == partition).findFirst().orElseThrow();
    }

    private static ShowerResult result(int shower, String wallet, long rank) {
        Instant at = Instant.parse("2021-11-01T00:00:00Z");
        return ShowerResult.newBuilder().setEventId("e").setShower(shower).setWallet(wallet).setRank(rank).setTier("gold").setTierIndex(0)
                .setContribution(new BigDecimal(500)).setTransfers(1).setFirstAt(at).setReachedAt(at).build();
    }

    private static final class Harness {
        final CaveVersions versions = new CaveVersions(PARTITIONS);
        final CaveProcessor processor = new CaveProcessor(PARTITIONS, versions);
        final KeyValueStore<WalletMeteorKey, Meteor> meteors;

        Harness(int partition, File dir) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cave-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props, new TaskId(2, partition), dir);
            meteors = org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                    org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.METEORS), ProjectionSerdes.walletMeteorKey(),
                    ProjectionSerdes.meteor()).withLoggingDisabled().build();
            meteors.init(context.getStateStoreContext(), meteors);
            context.addStateStore(meteors);
            processor.init(context);
        }

        void process(ShowerResult r) {
            processor.process(new Record<>(r.getShower() + ":" + r.getWallet(), r, 0L));
        }
    }
}
