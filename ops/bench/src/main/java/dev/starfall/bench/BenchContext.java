package dev.starfall.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.starfall.schemas.manifest.Manifest;
import dev.starfall.schemas.manifest.ManifestLoader;

/**
 * What every benchmark gets: a scratch directory, where child logs go, the size scale, the number
 * of rounds, and the console for progress.
 *
 * @param work   scratch directory for broker data and state (wiped per benchmark)
 * @param logs   child process logs
 * @param quick  smaller sizes, for a smoke run of the suite itself
 * @param rounds repetitions of each measured figure
 * @param minHistory smallest history (events) a benchmark builds; smaller sizes are skipped and the report says so
 * @param maxHistory largest history (events) a benchmark builds; larger sizes are skipped and the report says so
 * @param out    progress
 */
public record BenchContext(Path work, Path logs, boolean quick, int rounds, long minHistory, long maxHistory, PrintStream out) {

    /**
     * The JIT thresholds the image runs with ({@code ops/docker/Dockerfile}): a method is compiled by
     * C2 after ten times the JVM's default invocation and loop counts. One process holding Kafka
     * Streams, RocksDB, Vert.x and the clients (and, in the embedded default, a broker and the
     * simulator) kept C2 at about 45 % of a core through a whole catch-up on 2 cores, compiling
     * 2,800 lukewarm methods (ops/bench/REPORT.md, row 26).
     */
    public static final List<String> JIT = List.of("-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000",
            "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000");

    /** JVM options for every service measured: explicit heap, GC and no surprise from CPU pinning, and the image's {@link #JIT}. */
    public static final List<String> SERVICE_JVM = Stream.concat(Stream.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC",
            "-XX:ActiveProcessorCount=2", "-XX:+AlwaysPreTouch"), JIT.stream()).toList();

    /**
     * For start-up timings (restart to ready): {@link #SERVICE_JVM} without pre-touching the heap,
     * as the shipped image runs ({@code ops/docker/Dockerfile}). Pre-touching 1 GiB costs about
     * 0.9 s before {@code main} here; it is for the steady state of the reads benchmark.
     */
    public static final List<String> START_JVM = SERVICE_JVM.stream().filter(o -> !o.equals("-XX:+AlwaysPreTouch")).toList();

    /**
     * {@link #START_JVM} writing a dynamic class data sharing (AppCDS) archive of every class the
     * run loaded when the JVM exits (also on SIGTERM); the archive's own warnings (classes it
     * skips) are not printed.
     */
    public static List<String> startJvmDumping(Path archive) {
        return Stream.concat(START_JVM.stream(), Stream.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=error")).toList();
    }

    /**
     * {@link #START_JVM} using the archive of {@link #startJvmDumping}. With {@code -Xshare:on} a
     * JVM that cannot use it (missing, another classpath or JVM) fails to start instead of running
     * without it, so a figure measured "with the archive" is one. (The image runs with the default
     * {@code -Xshare:auto}: without the archive, it only starts slower.)
     */
    public static List<String> startJvmSharing(Path archive) {
        return Stream.concat(START_JVM.stream(), Stream.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive)).toList();
    }

    /** The shipped manifest (Levana Dragons: 44 showers). */
    public Manifest manifest() {
        return ManifestLoader.loadDefault();
    }

    /** A fresh, empty directory {@code work/name}. */
    public Path fresh(String name) {
        Path dir = work.resolve(name);
        delete(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Deletes a directory tree if present. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a broker and registry child on {@code dataDir}; waits until it answers. */
    public Child broker(String name, Path dataDir, int port, int registryPort) throws Exception {
        Child c = Child.start(name, logs, Optional.empty(), List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC"), BrokerMain.class.getName(),
                List.of(dataDir.toString(), Integer.toString(port), Integer.toString(registryPort)), Map.of());
        c.awaitLog(BrokerMain.READY, java.time.Duration.ofSeconds(90));
        return c;
    }

    /** Prints one progress line. */
    public void say(String line) {
        out.println(line);
        out.flush();
    }
}
