package dev.starfall.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One service under measurement, as its own JVM started from this JVM's classpath: optionally
 * pinned to CPUs with {@code taskset} (which execs the JVM, so the pid is the JVM's), output to a
 * log file, stopped with SIGTERM. Its peak RSS comes from {@code /proc/<pid>/status} (VmHWM).
 */
public final class Child implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private long peakRssKiB;

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param cpus     a {@code taskset -c} list such as {@code 0}, or empty for no pinning
     * @param jvmOpts  heap, GC and the like; set them explicitly (a pinned JVM sees one CPU and picks other defaults)
     */
    public static Child start(String name, Path logDir, Optional<String> cpus, List<String> jvmOpts, String mainClass, List<String> args,
                              Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        cpus.ifPresent(c -> cmd.addAll(List.of("taskset", "-c", c)));
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOpts);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            return new Child(name, pb.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " (" + String.join(" ", cmd) + "): " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the log has a line containing {@code marker}; fails early if the process dies. */
    public void awaitLog(String marker, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (hasWholeLine(logText(), marker)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before '" + marker + "'; see " + log);
            }
            Thread.sleep(50);
        }
        throw new TimeoutException(name + " did not print '" + marker + "' within " + timeout + "; see " + log);
    }

    /**
     * Whether {@code marker} is on a line of {@code text} that has been written to its end: a child's
     * line can reach its log in pieces, and the words after a marker (the gateway's transport) are
     * read as soon as it is seen.
     */
    static boolean hasWholeLine(String text, String marker) {
        // only a log's last line can be unfinished, so the first mention decides
        int at = text.indexOf(marker);
        return at >= 0 && text.indexOf('\n', at + marker.length()) >= 0;
    }

    /** The log so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Peak resident set of the process so far, in KiB (VmHWM), or the last reading once it has exited. */
    public long peakRssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    peakRssKiB = Math.max(peakRssKiB, Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited: keep the last reading
        }
        return peakRssKiB;
    }

    /** Moves every thread of the running process to {@code cpus}. */
    public void pin(String cpus) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(process.pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("taskset -a -p -c " + cpus + " " + process.pid() + " failed");
        }
    }

    /** SIGTERM, then waits (the services close cleanly on it); SIGKILL after 60 s. Records the peak RSS first. */
    @Override
    public void close() {
        peakRssKiB();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the process to exit by itself; fails on a non-zero exit or the timeout. */
    public void awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + timeout + "; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    /** SIGKILL, as a crash. */
    public void kill() throws InterruptedException {
        peakRssKiB();
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
}
