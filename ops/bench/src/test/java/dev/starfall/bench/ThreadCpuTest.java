package dev.starfall.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile long sink;

    /**
     * Each thread's CPU goes to its part by its full name (or the kernel's 15 characters of it), a
     * thread that ended after a poll keeps what that poll read, and one that ended before any poll
     * is what the process used beyond its threads.
     */
    @Test
    void shouldGiveEachPartItsThreadsCpuIncludingThreadsThatEndedAfterAPoll() throws Exception {
        ThreadCpu cpu = ThreadCpu.start(ProcessHandle.current().pid());
        CountDownLatch polled = new CountDownLatch(1);
        Thread shortLived = burnThenWait("short-lived-burner-with-a-name-longer-than-fifteen-characters", polled);
        cpu.poll();
        polled.countDown();
        shortLived.join();
        Thread unpolled = new Thread(() -> burn(300), "ended-before-any-poll-burner");
        unpolled.start();
        unpolled.join();
        CountDownLatch done = new CountDownLatch(1);
        Thread named = burnThenWait("still-running-burner-with-its-full-name", done);

        ThreadCpu.Split split = cpu.finish(List.of(ThreadCpu.Part.of("short", "^short-lived-bur"),
                ThreadCpu.Part.of("still running", "^still-running-burner-with-its-full-name$"),
                ThreadCpu.Part.of("never", "^no-such-thread")));
        done.countDown();
        named.join();

        assertThat(split.seconds().keySet()).containsExactly("short", "still running", "never", ThreadCpu.OTHER, ThreadCpu.UNLISTED);
        assertThat(split.seconds().get("short")).isBetween(0.25, 1.0);
        assertThat(split.seconds().get("still running")).isBetween(0.25, 1.0);
        assertThat(split.seconds().get("never")).isZero();
        assertThat(split.seconds().get(ThreadCpu.UNLISTED)).as("a thread that ended before any poll read it").isBetween(0.25, 1.0);
        double sum = split.seconds().values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(split.processSeconds()).isGreaterThanOrEqualTo(0.75).isCloseTo(sum, offset(0.5));
    }

    /** Starts a thread that burns 300 ms of CPU and then waits for {@code release}; returns once it has burnt. */
    private static Thread burnThenWait(String name, CountDownLatch release) throws InterruptedException {
        CountDownLatch burnt = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            burn(300);
            burnt.countDown();
            await(release);
        }, name);
        t.start();
        burnt.await();
        return t;
    }

    private static void burn(long cpuMillis) {
        long until = THREADS.getCurrentThreadCpuTime() + cpuMillis * 1_000_000;
        long x = 0;
        while (THREADS.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 10_000; i++) {
                x += i * 31L ^ x;
            }
        }
        sink = x;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
