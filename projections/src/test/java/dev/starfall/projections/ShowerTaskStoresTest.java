package dev.starfall.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;

import dev.starfall.projections.query.ShowerReader;
import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowerTaskStoresTest {

    private static final BigInteger UST = BigInteger.valueOf(1_000_000);

    @TempDir
    Path stateDir;

    private final Manifest manifest = ManifestLoader.loadDefault();

    @Test
    void shouldListTheRunningTasksStoresUntilItsProcessorCloses() {
        Harness h = new Harness(manifest, stateDir);
        ShowerTaskStores.Held held;
        try {
            Instant at = manifest.schedule().closeOf(3).minusSeconds(60);
            h.send("a", "w1", UST.multiply(BigInteger.TEN), at);
            h.send("b", "w2", UST.multiply(BigInteger.valueOf(12)), at.plusSeconds(1));

            assertThat(h.showerTasks.partitions()).containsExactly(0);
            held = h.showerTasks.running(0);
            assertThat(held).isNotNull();
            assertThat(held.totals().get(3)).isEqualTo(h.totals.get(3));
            assertThat(held.totals().get(3).transfers()).isEqualTo(2);

            // a reader over the listed stores answers as one over the driver's
            ShowerReader listed = new ShowerReader(held.contributions().rankings(), held.contributions().contributions(), held.totals(),
                    held.watermarks(), held.partition(), null, manifest);
            assertThat(listed.wallet(3, "w1", manifest.minimumContribution()))
                    .isEqualTo(h.reader.wallet(3, "w1", manifest.minimumContribution()));
            assertThat(listed.leaderboard(3, 0, 10)).isEqualTo(h.reader.leaderboard(3, 0, 10));
        } finally {
            h.close();
        }
        assertThat(h.showerTasks.partitions()).as("a closed task is no longer listed").isEmpty();
        assertThat(h.showerTasks.running(0)).isNull();
    }

    @Test
    void shouldNotGiveOutStoresThatAreNotOpen() {
        Harness h = new Harness(manifest, stateDir);
        ShowerTaskStores.Held held;
        try {
            h.send("a", "w1", UST.multiply(BigInteger.TEN), manifest.schedule().closeOf(3).minusSeconds(60));
            held = h.showerTasks.running(0);
        } finally {
            h.close();
        }
        ShowerTaskStores tasks = new ShowerTaskStores();
        tasks.started(held); // listed, but the driver closed its task's stores

        assertThat(tasks.partitions()).containsExactly(0);
        assertThat(tasks.running(0)).as("its stores are closed").isNull();
    }

    @Test
    void shouldLeaveAnotherProcessorsEntryWhenOneCloses() {
        Harness h = new Harness(manifest, stateDir);
        try {
            h.send("a", "w1", UST.multiply(BigInteger.TEN), manifest.schedule().closeOf(3).minusSeconds(60));
            ShowerTaskStores.Held now = h.showerTasks.running(0);
            ShowerTaskStores.Held before = new ShowerTaskStores.Held(0, h.driver.getKeyValueStore(Stores.CONTRIBUTIONS), h.totals,
                    h.driver.getKeyValueStore(Stores.TASK_WATERMARKS));

            h.showerTasks.stopped(before); // an earlier processor of the partition, closed after this one started
            h.showerTasks.stopped(null);   // a processor closed before it was initialized

            assertThat(h.showerTasks.running(0)).isSameAs(now);
        } finally {
            h.close();
        }
    }
}
