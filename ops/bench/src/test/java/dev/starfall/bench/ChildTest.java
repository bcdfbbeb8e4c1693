package dev.starfall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildTest {

    @Test
    void shouldTakeAMarkerOnlyOnceItsLineIsWrittenToItsEnd() {
        String ready = "GATEWAY READY http://127.0.0.1:4051 caught up in 41.2 s on transport io_uring";
        // the line as far as it had reached the log when the suite read it (a run of the fortieth round)
        assertThat(Child.hasWholeLine("12:00:01 INFO starting\nGATEWAY READY http://127.0.0.1:4051 caught up in ", "GATEWAY READY")).isFalse();
        assertThat(Child.hasWholeLine("12:00:01 INFO starting\n" + ready, "GATEWAY READY")).isFalse();
        assertThat(Child.hasWholeLine("12:00:01 INFO starting\n" + ready + "\n", "GATEWAY READY")).isTrue();
        assertThat(Child.hasWholeLine(ready + "\n12:00:02 INFO more", "GATEWAY READY")).isTrue();
        assertThat(Child.hasWholeLine("12:00:01 INFO starting\n", "GATEWAY READY")).isFalse();
    }
}
