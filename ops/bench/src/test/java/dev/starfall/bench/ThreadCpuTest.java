package dev.starfall.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
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

    /**
     * A thread dump names each thread's kernel id as {@code nid}: in hexadecimal up to JDK 18, in
     * decimal since JDK 19 (these lines are from JDK 17 and JDK 25). Read only as hexadecimal, a
     * run on JDK 25 put the stream thread, the broker's and the JIT compilers in "other threads".
     */
    @Test
    void shouldReadThreadIdsFromTheDumpsOfJdk17AndOfJdk19On() {
        String jdk17 = """
                "main" #1 prio=5 os_prio=0 cpu=412.33ms elapsed=21.52s tid=0x00007f3c8c02a2a0 nid=0x1f2e waiting on condition  [0x00007f3c92b9e000]
                   java.lang.Thread.State: TIMED_WAITING (sleeping)
                "C2 CompilerThread0" #5 daemon prio=9 os_prio=0 cpu=5210.02ms elapsed=21.50s tid=0x00007f3c8c1a3b50 nid=0x1f35 waiting on condition  [0x0000000000000000]
                "GC Thread#0" os_prio=0 cpu=120.40ms elapsed=21.52s tid=0x00007f3c8c04d2e0 nid=0x1f2f runnable
                """;
        String jdk25 = """
                "main" #3 [4192] prio=5 os_prio=0 cpu=81.16ms elapsed=4.03s tid=0x00007f414402bd60 nid=4192 waiting on condition  [0x00007f414891e000]
                "starfall-projections-0f1e-StreamThread-1" #61 [4310] prio=5 os_prio=0 cpu=23810.50ms elapsed=60.11s tid=0x00007f4144d2e000 nid=4310 runnable  [0x00007f40e97fd000]
                "GC Thread#0" os_prio=0 cpu=20.06ms elapsed=4.03s tid=0x00007f414404e560 nid=4193 runnable
                """;

        assertThat(ThreadCpu.threadNames(jdk17)).containsExactlyInAnyOrderEntriesOf(
                Map.of(0x1f2eL, "main", 0x1f35L, "C2 CompilerThread0", 0x1f2fL, "GC Thread#0"));
        assertThat(ThreadCpu.threadNames(jdk25)).containsExactlyInAnyOrderEntriesOf(
                Map.of(4192L, "main", 4310L, "starfall-projections-0f1e-StreamThread-1", 4193L, "GC Thread#0"));
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
