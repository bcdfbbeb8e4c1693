package dev.starfall.schemas.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class ShowerScheduleTest {

    private static final Instant OPEN = Instant.parse("2021-11-07T06:00:00Z");
    private static final Instant C1 = Instant.parse("2021-11-08T06:00:00Z");
    private static final Instant C2 = Instant.parse("2021-11-08T07:00:00Z");
    private final ShowerSchedule schedule = new ShowerSchedule(OPEN, List.of(C1, C2), Duration.ofMinutes(10));

    @Test
    void shouldExcludeTheOpenAndIncludeEachClose() {
        assertThat(schedule.showerOf(OPEN)).isEmpty();
        assertThat(schedule.showerOf(OPEN.plusMillis(1))).hasValue(1);
        assertThat(schedule.showerOf(C1)).hasValue(1);
        assertThat(schedule.showerOf(C1.plusMillis(1))).hasValue(2);
        assertThat(schedule.showerOf(C2)).hasValue(2);
        assertThat(schedule.showerOf(C2.plusMillis(1))).isEmpty();
    }

    @Test
    void shouldMoveThroughTheStatusesWithGrace() {
        assertThat(schedule.statusAt(2, C1)).isEqualTo(ShowerSchedule.Status.UPCOMING);
        assertThat(schedule.statusAt(2, C1.plusSeconds(1))).isEqualTo(ShowerSchedule.Status.OPEN);
        assertThat(schedule.statusAt(2, C2)).isEqualTo(ShowerSchedule.Status.OPEN);
        assertThat(schedule.statusAt(2, C2.plusSeconds(600))).isEqualTo(ShowerSchedule.Status.CLOSING);
        assertThat(schedule.statusAt(2, C2.plusSeconds(601))).isEqualTo(ShowerSchedule.Status.CLOSED);
        assertThat(schedule.finalAt(1)).isEqualTo(C1.plusSeconds(600));
    }
}
