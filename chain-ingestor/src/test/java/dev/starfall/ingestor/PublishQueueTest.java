package dev.starfall.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.starfall.ingestor.publish.PublishException;
import dev.starfall.ingestor.source.SourceBatch;
import dev.starfall.ingestor.source.SourcePosition;
import dev.starfall.schemas.avro.TransferObserved;
import org.junit.jupiter.api.Test;

class PublishQueueTest {

    private static final Instant T0 = Instant.parse("2021-11-07T12:00:00Z");

    /** A batch of {@code events} transfers at position {@code n}. */
    private static SourceBatch batch(int n, int events) {
        List<TransferObserved> observed = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            observed.add(TransferObserved.newBuilder()
                    .setChain("terra-classic").setChainId("columbus-5").setTxHash("TX" + n).setMessageIndex(i)
                    .setBlockHeight(n).setBlockTime(T0.plusSeconds(n))
                    .setSender("terra1sender" + n).setRecipient("terra1dest").setDenom("uusd")
                    .setAmount(new BigDecimal("1000000")).setSourceEndpoint("test").setObservedAt(Instant.EPOCH)
                    .build());
        }
        return new SourceBatch(observed, List.of(), 1, new SourcePosition(Integer.toString(n), n, T0.plusSeconds(n)));
    }

    /** Records what it publishes; the first publish waits for {@code release}; fails a publish holding the position named. */
    private static final class Recorder implements Consumer<SourceBatch> {
        final List<SourceBatch> published = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile String failAt;

        @Override
        public void accept(SourceBatch b) {
            firstStarted.countDown();
            try {
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new PublishException("interrupted", true, e);
            }
            String fail = failAt;
            if (fail != null && b.observed().stream().anyMatch(t -> t.getTxHash().equals("TX" + fail))) {
                failAt = null;
                throw new PublishException("broker said no at " + fail, false, null);
            }
            published.add(b);
        }

        List<String> positions() {
            synchronized (published) {
                return published.stream().map(b -> b.newest().position()).toList();
            }
        }
    }

    @Test
    void shouldMergeWhatWasQueuedDuringACommitIntoOnePublishInOrder() throws Exception {
        Recorder r = new Recorder();
        try (PublishQueue q = new PublishQueue("test-publish", 8, 100, r)) {
            q.submit(batch(1, 2));
            assertThat(r.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            for (int n = 2; n <= 5; n++) {
                q.submit(batch(n, 3));
            }
            r.release.countDown();
            q.drain();
            assertThat(r.positions()).containsExactly("1", "5");
            SourceBatch merged = r.published.get(1);
            assertThat(merged.transactions()).isEqualTo(4);
            assertThat(merged.events()).isEqualTo(12);
            assertThat(merged.observed()).extracting(TransferObserved::getTxHash)
                    .containsExactly("TX2", "TX2", "TX2", "TX3", "TX3", "TX3", "TX4", "TX4", "TX4", "TX5", "TX5", "TX5");
            assertThat(merged.chainTime()).isEqualTo(T0.plusSeconds(5));
            assertThat(q.queued()).isZero();
        }
    }

    @Test
    void shouldMergeNoMoreThanMaxEventsButPublishALargerBatchAlone() throws Exception {
        Recorder r = new Recorder();
        try (PublishQueue q = new PublishQueue("test-publish", 8, 10, r)) {
            q.submit(batch(1, 1));
            assertThat(r.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            q.submit(batch(2, 4));
            q.submit(batch(3, 4));
            q.submit(batch(4, 4));
            q.submit(batch(5, 12));
            q.submit(batch(6, 1));
            r.release.countDown();
            q.drain();
            assertThat(r.positions()).containsExactly("1", "3", "4", "5", "6");
            assertThat(r.published).extracting(SourceBatch::events).containsExactly(1, 8, 4, 12, 1);
        }
    }

    @Test
    void shouldDropWhatFollowsAFailedPublishAndThrowTheFailureOnceToTheWalk() throws Exception {
        Recorder r = new Recorder();
        r.failAt = "1";
        try (PublishQueue q = new PublishQueue("test-publish", 8, 100, r)) {
            q.submit(batch(1, 1));
            assertThat(r.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            q.submit(batch(2, 1));
            q.submit(batch(3, 1));
            r.release.countDown();
            assertThatThrownBy(q::drain).isInstanceOf(PublishException.class).hasMessageContaining("broker said no at 1");
            assertThat(q.queued()).as("batches after the failed one are dropped").isZero();
            assertThat(r.published).isEmpty();

            // thrown once: the walk starts again from the committed position
            q.drain();
            q.submit(batch(1, 1));
            q.submit(batch(2, 1));
            q.drain();
            assertThat(r.published.stream().mapToInt(SourceBatch::events).sum()).isEqualTo(2);
            assertThat(r.positions().get(r.positions().size() - 1)).isEqualTo("2");
        }
    }

    @Test
    void shouldThrowAFailureToTheNextSubmit() throws Exception {
        Recorder r = new Recorder();
        r.failAt = "1";
        r.release.countDown();
        try (PublishQueue q = new PublishQueue("test-publish", 8, 100, r)) {
            q.submit(batch(1, 1));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try {
                    // queued while the failure is not known yet (dropped with it), or thrown it once it is
                    q.submit(batch(2, 1));
                } catch (PublishException e) {
                    assertThat(e).hasMessageContaining("broker said no at 1");
                    break;
                }
                assertThat(System.nanoTime()).as("the failure reached a submit in time").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(r.published).as("nothing after the failed batch").isEmpty();
        }
    }

    @Test
    void shouldBlockASubmitWhileTheQueueIsFull() throws Exception {
        Recorder r = new Recorder();
        try (PublishQueue q = new PublishQueue("test-publish", 2, 100, r)) {
            q.submit(batch(1, 1));
            assertThat(r.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            q.submit(batch(2, 1));
            q.submit(batch(3, 1));
            CountDownLatch submitted = new CountDownLatch(1);
            Thread walker = new Thread(() -> {
                try {
                    q.submit(batch(4, 1));
                    submitted.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            walker.start();
            assertThat(submitted.await(200, TimeUnit.MILLISECONDS)).as("blocked while 2 batches wait").isFalse();
            r.release.countDown();
            assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();
            walker.join();
            q.drain();
            // 2 and 3 were merged; 4 with them or after them
            assertThat(r.positions().get(0)).isEqualTo("1");
            assertThat(r.positions().get(r.positions().size() - 1)).isEqualTo("4");
            assertThat(r.published.stream().mapToInt(SourceBatch::events).sum()).isEqualTo(4);
        }
    }

    @Test
    void shouldDiscardWhatIsQueuedOnCloseAndFinishTheBatchBeingPublished() throws Exception {
        Recorder r = new Recorder();
        PublishQueue q = new PublishQueue("test-publish", 8, 100, r);
        q.submit(batch(1, 1));
        assertThat(r.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        q.submit(batch(2, 1));
        Thread closer = new Thread(() -> q.close(Duration.ofSeconds(10)));
        closer.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (q.queued() > 0) {
            // batch 1 is held by the recorder: only close empties the queue
            assertThat(System.nanoTime()).as("closed in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
        r.release.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(r.positions()).containsExactly("1");
        assertThatThrownBy(() -> q.submit(batch(3, 1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
