package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** A shower's owner is kept while the client stays running with no change of state, and for one age at most. */
class ShowerOwnersTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicLong stateChanges = new AtomicLong(3);
    private boolean running = true;
    private final List<Integer> asked = new ArrayList<>();
    private IntFunction<KeyQueryMetadata> answers = n -> owned(n, "a");

    private final ShowerOwners owners = new ShowerOwners(n -> {
        asked.add(n);
        return answers.apply(n);
    }, stateChanges::get, () -> running, Duration.ofSeconds(1), clock::get);

    private static KeyQueryMetadata owned(int n, String host) {
        return new KeyQueryMetadata(new HostInfo(host, 8080), Set.of(), n % 6);
    }

    @Test
    void shouldAskKafkaStreamsOncePerShowerWhileNothingChanges() {
        KeyQueryMetadata first = owners.of(7);
        clock.addAndGet(Duration.ofMillis(900).toNanos());

        assertThat(owners.of(7)).isSameAs(first);
        assertThat(owners.of(8).partition()).isEqualTo(2);
        assertThat(asked).containsExactly(7, 8);
    }

    /** Shower 7's owner moved to "b": asked again once, then kept. */
    private void assertAskedOnceMoreThenKept() {
        answers = n -> owned(n, "b");
        assertThat(owners.of(7).activeHost().host()).isEqualTo("b");
        assertThat(owners.of(7).activeHost().host()).isEqualTo("b");
        assertThat(asked).containsExactly(7, 7);
    }

    @Test
    void shouldAskAgainAfterAnyChangeOfTheClientsState() {
        owners.of(7);
        stateChanges.incrementAndGet();
        assertAskedOnceMoreThenKept();
    }

    @Test
    void shouldAskAgainOnceTheOwnerIsAsOldAsTheMaximumAge() {
        owners.of(7);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        answers = n -> owned(n, "b");

        assertThat(owners.of(7).activeHost().host()).isEqualTo("b");
        assertThat(asked).containsExactly(7, 7);
    }

    @Test
    void shouldKeepNothingReadWhileTheClientIsNotRunning() {
        running = false;
        owners.of(7);
        owners.of(7);
        running = true;
        owners.of(7);
        owners.of(7);

        assertThat(asked).containsExactly(7, 7, 7);
    }

    @Test
    void shouldNotKeepAnOwnerReadAcrossAChangeOfState() {
        answers = n -> {
            stateChanges.incrementAndGet(); // the client changes state while the metadata is read
            return owned(n, "a");
        };
        owners.of(7);
        assertAskedOnceMoreThenKept();
    }

    @Test
    void shouldNeverKeepAnAnswerWithoutAnOwner() {
        answers = n -> KeyQueryMetadata.NOT_AVAILABLE;
        assertThat(owners.of(7)).isSameAs(KeyQueryMetadata.NOT_AVAILABLE);
        assertThat(owners.of(7)).isSameAs(KeyQueryMetadata.NOT_AVAILABLE);
        answers = n -> null;
        assertThat(owners.of(7)).isNull();
        answers = n -> new KeyQueryMetadata(new HostInfo("unavailable", -1), Set.of(), 1);
        assertThat(owners.of(7).activeHost().port()).isEqualTo(-1);

        answers = n -> owned(n, "a");
        owners.of(7);
        owners.of(7);
        assertThat(asked).containsExactly(7, 7, 7, 7, 7);
    }

    @Test
    void shouldPassOnWhatKafkaStreamsThrows() {
        answers = n -> {
            throw new IllegalStateException("KafkaStreams is not running. State is CREATED.");
        };
        assertThatThrownBy(() -> owners.of(7)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
    }
}
