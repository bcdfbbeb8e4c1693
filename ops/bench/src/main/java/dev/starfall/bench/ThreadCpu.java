package dev.starfall.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a process's CPU went over a stretch of time, by part: a profile without a profiler.
 * Every thread's CPU ticks come from {@code /proc/<pid>/task/<tid>/stat}, read at {@link #start},
 * at each {@link #poll} (about once a second is enough) and at {@link #finish}, so a thread that
 * ends in between loses at most its last poll's worth, and native threads (RocksDB's) count too.
 * A thread's name is its full Java name, from a thread dump ({@code jcmd <pid> Thread.print}) at
 * the start and at the finish, or else the kernel's first 15 characters of it. A thread belongs
 * to the first part whose pattern finds in its name. Costs: two dumps, each a pause of a few
 * milliseconds and a {@code jcmd} JVM beside the process for about half a second.
 */
public final class ThreadCpu {

    /** A named part of a process: the threads whose names {@code pattern} finds in. */
    public record Part(String name, Pattern pattern) {
        public static Part of(String name, String regex) {
            return new Part(name, Pattern.compile(regex));
        }
    }

    /** CPU seconds of each part, in the parts' order, then "other threads" and what no thread accounts for; and the process's. */
    public record Split(Map<String, Double> seconds, double processSeconds) {
    }

    /** The part for the process's CPU that its threads, as last read, do not account for. */
    public static final String UNLISTED = "threads that ended between polls";
    public static final String OTHER = "other threads";

    /** A thread's line of a thread dump: its name and {@code nid}, in hexadecimal up to JDK 18 and in decimal since JDK 19. */
    private static final Pattern DUMP_LINE = Pattern.compile("^\"(.*)\" .*?nid=(?:0x([0-9a-f]+)|([0-9]+))\\b");

    private final long pid;
    private final Map<Long, Long> ticksAtStart = new HashMap<>();
    private final Map<Long, Long> lastTicks = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private long processTicksAtStart;

    private ThreadCpu(long pid) {
        this.pid = pid;
    }

    /** User plus system CPU ticks of a process so far ({@code /proc/<pid>/stat} fields 14 and 15; USER_HZ is 100 on Linux). */
    public static long processTicks(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /**
     * CPU ticks so far of the JIT compiler threads of a JVM (the kernel's names {@code C1 CompilerThre}
     * and {@code C2 CompilerThre}). A compiler thread that ended since an earlier call takes its ticks
     * with it; on 2 cores the JVM runs one of each, for good.
     */
    public static long compilerTicks(long pid) throws IOException {
        long[] sum = {0};
        eachThread(pid, (tid, name, ticks) -> {
            if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                sum[0] += ticks;
            }
        });
        return sum[0];
    }

    /** Starts following {@code pid}'s threads: their names and their CPU so far. */
    public static ThreadCpu start(long pid) throws IOException, InterruptedException {
        ThreadCpu cpu = new ThreadCpu(pid);
        cpu.name();
        cpu.processTicksAtStart = processTicks(pid);
        cpu.read(cpu.ticksAtStart);
        cpu.lastTicks.putAll(cpu.ticksAtStart);
        return cpu;
    }

    /** Reads every thread's CPU so far; a thread that ends before the next poll keeps what this one read. */
    public void poll() throws IOException {
        read(lastTicks);
    }

    /** The CPU of each part since {@link #start}; threads that started since count from zero. */
    public Split finish(List<Part> parts) throws IOException, InterruptedException {
        long process = processTicks(pid) - processTicksAtStart;
        poll();
        name();
        Map<String, Double> seconds = new LinkedHashMap<>();
        parts.forEach(part -> seconds.put(part.name(), 0.0));
        seconds.put(OTHER, 0.0);
        long listed = 0;
        for (Map.Entry<Long, Long> e : lastTicks.entrySet()) {
            long used = Math.max(0, e.getValue() - ticksAtStart.getOrDefault(e.getKey(), 0L));
            listed += used;
            String name = names.getOrDefault(e.getKey(), "");
            String part = OTHER;
            for (Part candidate : parts) {
                if (candidate.pattern().matcher(name).find()) {
                    part = candidate.name();
                    break;
                }
            }
            seconds.merge(part, used / 100.0, Double::sum);
        }
        seconds.put(UNLISTED, Math.max(0, process - listed) / 100.0);
        return new Split(seconds, process / 100.0);
    }

    /** The median and spread of each part over {@code splits}, in the first split's order. */
    public static Map<String, Stats> stats(List<Split> splits) {
        Map<String, Stats> out = new LinkedHashMap<>();
        for (String part : splits.get(0).seconds().keySet()) {
            List<Double> values = new ArrayList<>();
            splits.forEach(s -> values.add(s.seconds().getOrDefault(part, 0.0)));
            out.put(part, Stats.of(values));
        }
        return out;
    }

    private void read(Map<Long, Long> into) throws IOException {
        eachThread(pid, (tid, name, ticks) -> {
            into.put(tid, ticks);
            names.putIfAbsent(tid, name);
        });
    }

    /** One thread of a process as {@code /proc} shows it: its id, the kernel's name (15 characters at most), its CPU ticks so far. */
    private interface ThreadStat {
        void accept(long tid, String kernelName, long ticks);
    }

    /** Each thread of {@code pid} alive now; a thread that ends while they are read is left out. */
    private static void eachThread(long pid, ThreadStat each) throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // ended since the listing
                }
                each.accept(Long.parseLong(task.getFileName().toString()), stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
                        ticks(stat));
            }
        }
    }

    /** Full Java names of the threads alive now, from a thread dump (its {@code nid} is the kernel's thread id). */
    private void name() throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(jcmd + " " + pid + " Thread.print failed: " + dump.lines().limit(3).toList());
        }
        names.putAll(threadNames(dump));
    }

    /** Each thread's name by its kernel thread id, from the text of {@code jcmd <pid> Thread.print} of any JDK from 17 on. */
    static Map<Long, String> threadNames(String dump) {
        Map<Long, String> out = new HashMap<>();
        for (String line : dump.split("\n")) {
            Matcher m = DUMP_LINE.matcher(line);
            if (m.find()) {
                out.put(m.group(2) != null ? Long.parseLong(m.group(2), 16) : Long.parseLong(m.group(3)), m.group(1));
            }
        }
        return out;
    }

    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
