package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.starfall.projections.domain.ShowerTotals;
import dev.starfall.projections.query.RankSnapshots;
import dev.starfall.projections.query.ShowerReader;
import dev.starfall.projections.query.ShowerView;
import dev.starfall.projections.query.WalletStanding;
import dev.starfall.schemas.manifest.ShowerSchedule;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader for one answer ({@link ShowerReader#forOneAnswer()}) on the stores of the full topology. */
class OneAnswerReaderTest {

    private static final BigInteger UST = BigInteger.valueOf(1_000_000);

    @TempDir
    Path stateDir;

    private Harness h;
    private ShowerSchedule schedule;
    private BigInteger minimum;
    private final AtomicInteger totalsReads = new AtomicInteger();
    private ShowerReader counted;
    private int tx;

    @BeforeEach
    void setUp() {
        h = new Harness(Harness.manifestWithCommitment("f9fa5c699354e46a448f75765ae99bf06741d541ab6c337c0f3722850adbb136"), stateDir);
        schedule = h.manifest.schedule();
        minimum = h.manifest.minimumContribution();
        counted = new ShowerReader(h.rankings(), h.driver.getKeyValueStore(Stores.CONTRIBUTIONS),
                new CountingGets<>(h.totals, totalsReads), h.driver.getKeyValueStore(Stores.TASK_WATERMARKS), 0,
                h.driver.getKeyValueStore(Stores.TELESCOPE), h.manifest, new RankSnapshots(Duration.ofMillis(250), 8, System::nanoTime));
        for (int i = 0; i < 40; i++) {
            h.send("tx" + tx++, "terra1wallet" + i, UST.multiply(BigInteger.valueOf(1 + i % 17)), schedule.closeOf(1).minusSeconds(3000 - tx));
        }
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** A wallet's answer as the gateway reads it: status, standing, next tier. */
    private String walletAnswer(ShowerReader reader, String wallet) {
        ShowerSchedule.Status status = reader.status(1);
        WalletStanding w = reader.wallet(1, wallet, minimum).orElseThrow();
        return status + " " + w + " " + reader.nextTier(1, w).orElse(null);
    }

    @Test
    void shouldReadAShowersTotalsOncePerAnswer() {
        String wallet = "terra1wallet8"; // eligible, far from the top: its next tier is looked up at another rank

        String plain = walletAnswer(counted, wallet);
        int plainReads = totalsReads.getAndSet(0);
        String once = walletAnswer(counted.forOneAnswer(), wallet);

        assertThat(once).isEqualTo(plain);
        assertThat(plain).contains("NextTierView");
        assertThat(totalsReads.get()).as("totals reads of one answer").isEqualTo(1);
        assertThat(plainReads).as("totals reads of the same answer, one per part").isGreaterThanOrEqualTo(5);

        totalsReads.set(0);
        ShowerReader summaryReader = counted.forOneAnswer();
        Optional<ShowerView> summary = summaryReader.summary(1);
        assertThat(summary).isPresent();
        assertThat(summary.get().floors()).isEqualTo(h.reader.floors(1));
        assertThat(totalsReads.get()).as("totals reads of a summary with its floors").isEqualTo(1);
    }

    @Test
    void shouldAnswerEveryPartFromTheCountsItFirstRead() {
        ShowerReader one = counted.forOneAnswer();
        ShowerTotals first = one.totals(1);
        ShowerView before = h.reader.summary(1).orElseThrow();

        h.send("tx" + tx++, "terra1newcomer", UST.multiply(BigInteger.valueOf(50)), schedule.closeOf(1).minusSeconds(10));

        assertThat(h.reader.totals(1).wallets()).isEqualTo(first.wallets() + 1);
        assertThat(one.totals(1)).isSameAs(first);
        ShowerView summary = one.summary(1).orElseThrow();
        assertThat(summary.wallets()).isEqualTo(before.wallets());
        assertThat(summary.eligibleWallets()).isEqualTo(before.eligibleWallets());
        assertThat(summary.raised()).isEqualTo(before.raised());
        assertThat(counted.forOneAnswer().summary(1).orElseThrow().wallets()).as("a new answer reads again").isEqualTo(first.wallets() + 1);
        assertThat(counted.totals(1).wallets()).as("a plain reader reads on every use").isEqualTo(first.wallets() + 1);
    }

    @Test
    void shouldKeepEachShowersTotalsApart() {
        h.send("tx" + tx++, "terra1other", UST.multiply(BigInteger.valueOf(3)), schedule.closeOf(2).minusSeconds(10));
        ShowerReader one = counted.forOneAnswer();

        assertThat(one.totals(1).wallets()).isEqualTo(40);
        assertThat(one.totals(2).wallets()).isEqualTo(1);
        assertThat(one.totals(3)).isEqualTo(ShowerTotals.EMPTY);
        assertThat(totalsReads.get()).isEqualTo(3);
    }

    /** A store that counts its point reads. */
    private record CountingGets<K, V>(ReadOnlyKeyValueStore<K, V> store, AtomicInteger gets) implements ReadOnlyKeyValueStore<K, V> {

        @Override
        public V get(K key) {
            gets.incrementAndGet();
            return store.get(key);
        }

        @Override
        public KeyValueIterator<K, V> range(K from, K to) {
            return store.range(from, to);
        }

        @Override
        public KeyValueIterator<K, V> all() {
            return store.all();
        }

        @Override
        public long approximateNumEntries() {
            return store.approximateNumEntries();
        }
    }
}
