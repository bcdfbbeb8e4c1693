package dev.starfall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class BenchContextTest {

    /** The benchmarks measure services as the image runs them: its ENTRYPOINT carries the same JIT options. */
    @Test
    void shouldRunServicesWithTheImagesJitOptions() throws IOException {
        String dockerfile = Files.readString(repositoryRoot().resolve("ops/docker/Dockerfile")).replace("\\\n", " ");
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]\\s*$").matcher(dockerfile);
        assertThat(entry.find()).as("ENTRYPOINT").isTrue();
        List<String> entrypoint = Pattern.compile(",\\s*").splitAsStream(entry.group(1)).map(t -> t.replaceAll("^\"|\"$", "")).toList();

        assertThat(BenchContext.JIT).isNotEmpty();
        assertThat(entrypoint.stream().filter(t -> t.startsWith("-XX:Tier")).toList()).isEqualTo(BenchContext.JIT);
        assertThat(BenchContext.SERVICE_JVM).containsSubsequence(BenchContext.JIT);
        assertThat(BenchContext.START_JVM).containsSubsequence(BenchContext.JIT).doesNotContain("-XX:+AlwaysPreTouch");
        assertThat(dev.starfall.bench.pipeline.FreshnessBench.INGEST_JVM).as("the freshness benchmark's ingest service")
                .containsSubsequence(BenchContext.JIT);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docker-compose.yml")) && Files.isDirectory(p.resolve("ops"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + dir);
    }
}
