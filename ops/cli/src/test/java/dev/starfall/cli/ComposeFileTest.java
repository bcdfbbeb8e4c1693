package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The root {@code docker-compose.yml} (which cannot run here) read line by line: every
 * {@code STARFALL_*} variable it names is one {@link ServiceSettings} reads, each service sets only
 * variables its command reads, and the two serve instances advertise different hosts.
 */
class ComposeFileTest {

    private static final Pattern VARIABLE = Pattern.compile("STARFALL_[A-Z0-9_]+");
    private static final Pattern SERVICE = Pattern.compile("^  ([A-Za-z0-9_-]+):\\s*$");
    private static final Pattern TOP_LEVEL = Pattern.compile("^([A-Za-z0-9_-]+):.*$");
    private static final Pattern ENV_ENTRY = Pattern.compile("^\\s+(?:-\\s*)?(STARFALL_[A-Z0-9_]+)\\s*[:=]\\s*\"?([^\"#]*?)\"?\\s*$");
    private static final Pattern KEY_VALUE = Pattern.compile("^    ([a-z_]+):\\s*(.*)$");

    /** One service as the parser sees it. */
    private record Service(String name, Map<String, String> fields, Map<String, String> env) {
    }

    private static Path root;
    private static List<String> compose;
    private static Map<String, Service> services;

    @BeforeAll
    static void parse() throws IOException {
        root = repositoryRoot();
        compose = Files.readAllLines(root.resolve("docker-compose.yml"));
        services = new LinkedHashMap<>();
        String top = "";
        Service current = null;
        for (String line : compose) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher m = TOP_LEVEL.matcher(line);
            if (m.matches()) {
                top = m.group(1);
                current = null;
                continue;
            }
            if (!top.equals("services")) {
                continue;
            }
            m = SERVICE.matcher(line);
            if (m.matches()) {
                current = new Service(m.group(1), new LinkedHashMap<>(), new LinkedHashMap<>());
                services.put(current.name(), current);
                continue;
            }
            if (current == null) {
                continue;
            }
            m = KEY_VALUE.matcher(line);
            if (m.matches()) {
                current.fields().put(m.group(1), m.group(2).strip());
            }
            m = ENV_ENTRY.matcher(line);
            if (m.matches()) {
                current.env().put(m.group(1), m.group(2).strip());
            }
        }
    }

    @Test
    void shouldNameOnlyVariablesTheSettingsClassReads() throws IOException {
        TreeSet<String> named = new TreeSet<>();
        for (String line : compose) {
            VARIABLE.matcher(line).results().forEach(r -> named.add(r.group()));
        }
        VARIABLE.matcher(Files.readString(root.resolve("ops/docker/Dockerfile"))).results().forEach(r -> named.add(r.group()));

        assertThat(named).isNotEmpty();
        assertThat(ServiceSettings.VARIABLES).containsAll(named);
    }

    @Test
    void shouldSetOnlyVariablesEachServiceReads() {
        for (Service s : services.values()) {
            ServiceSettings.Use use = s.fields().getOrDefault("command", "").contains("serve") ? ServiceSettings.Use.SERVE
                    : s.fields().getOrDefault("command", "").contains("ingest") ? ServiceSettings.Use.INGEST : null;
            if (use == null) {
                assertThat(s.env()).as("%s runs no starfall command", s.name()).isEmpty();
                continue;
            }
            for (String variable : s.env().keySet()) {
                ServiceSettings.Setting setting = ServiceSettings.Setting.valueOf(variable.substring("STARFALL_".length()));
                assertThat(setting.usedBy(use)).as("%s sets %s, which %s does not read", s.name(), variable, use).isTrue();
            }
            assertThat(ServiceSettings.resolve(use, Map.of(), s.env())).as("%s settings resolve", s.name()).isNotNull();
        }
    }

    @Test
    void shouldRunTwoServeInstancesWithDistinctAdvertisedHosts() {
        List<Service> serve = services.values().stream().filter(s -> s.fields().getOrDefault("command", "").contains("serve")).toList();

        assertThat(serve).hasSizeGreaterThanOrEqualTo(2);
        assertThat(serve).allSatisfy(s -> assertThat(s.env().get("STARFALL_ADVERTISED_HOST")).as(s.name()).isEqualTo(s.name()));
        assertThat(serve.stream().map(s -> s.env().get("STARFALL_ADVERTISED_HOST")).distinct()).hasSameSizeAs(serve);
    }

    @Test
    void shouldIngestFromTheSimulatorOnASingleKraftBroker() {
        Service ingest = services.values().stream().filter(s -> s.fields().getOrDefault("command", "").contains("ingest"))
                .findFirst().orElseThrow();
        Service kafka = services.get("kafka");

        assertThat(ingest.env()).containsEntry("STARFALL_SIMULATOR", "true");
        assertThat(kafka.fields().get("image")).matches("apache/kafka:4\\.\\d+\\.\\d+");
        assertThat(String.join("\n", compose)).contains("KAFKA_PROCESS_ROLES: broker,controller", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1",
                "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1", "dockerfile: ops/docker/Dockerfile");
    }

    @Test
    void shouldBuildTheImageFromTheCliJarAndItsLibraries() throws IOException {
        String dockerfile = Files.readString(root.resolve("ops/docker/Dockerfile"));

        assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build", "mvn -B -q package -DskipTests",
                "FROM eclipse-temurin:17-jre", "ops/cli/target/starfall.jar", "ops/cli/target/lib/");
    }

    /**
     * The image's class data sharing archive (Docker cannot run here): the training run at image
     * build is {@code starfall run --exit-when-caught-up} with the ENTRYPOINT's JVM options and
     * {@code -jar} path (an archive is only used by a JVM started like the one that wrote it), it
     * writes the file the ENTRYPOINT maps, the build fails if it did not, and its options parse.
     */
    @Test
    void shouldTrainTheClassDataSharingArchiveAsTheEntrypointRuns() throws IOException {
        String dockerfile = Files.readString(root.resolve("ops/docker/Dockerfile"));
        // continuation lines joined, as Docker reads them
        String instructions = dockerfile.replace("\\\n", " ");
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]\\s*$").matcher(instructions);
        assertThat(entry.find()).as("ENTRYPOINT").isTrue();
        List<String> entrypoint = Pattern.compile(",\\s*").splitAsStream(entry.group(1)).map(t -> t.replaceAll("^\"|\"$", "")).toList();
        String shared = "-XX:SharedArchiveFile=";
        String archive = entrypoint.stream().filter(t -> t.startsWith(shared)).findFirst().orElseThrow().substring(shared.length());
        // the shell of the RUN instruction that trains, split into its commands
        String training = Pattern.compile("&&|\\n").splitAsStream(instructions).filter(c -> c.contains("-XX:ArchiveClassesAtExit="))
                .findFirst().orElseThrow().strip().replaceFirst("^RUN\\s+", "");
        List<String> command = List.of(training.split("\\s+"));
        int run = command.indexOf("run");

        List<String> jvm = command.subList(0, run).stream().filter(t -> !t.equals("-Xlog:cds=error")).toList();
        List<String> expectedJvm = entrypoint.stream().map(t -> t.startsWith(shared) ? "-XX:ArchiveClassesAtExit=" + archive : t).toList();
        assertThat(jvm).as("training JVM and classpath").isEqualTo(expectedJvm);
        assertThat(archive).startsWith("/opt/starfall/");
        assertThat(jvmAccepts(entrypoint.stream().filter(t -> t.startsWith("-XX:") && !t.startsWith(shared)).toList()))
                .as("the ENTRYPOINT's -XX options on this JDK").isEqualTo("ok");
        assertThat(instructions).contains("test -s " + archive);
        List<String> runArgs = command.subList(run + 1, command.size());
        assertThat(RunOptions.parse(runArgs).exitWhenCaughtUp()).as("training options " + runArgs).isTrue();
        // trained as root (the archive is written beside the jar), before the image switches to its user
        assertThat(dockerfile.indexOf("-XX:ArchiveClassesAtExit=")).isLessThan(dockerfile.indexOf("USER starfall"));
    }

    /** "ok" when a JVM of this JDK starts with {@code options}, else what it printed. */
    private static String jvmAccepts(List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return p.waitFor() == 0 ? "ok" : printed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docker-compose.yml")) && Files.isDirectory(p.resolve("ops"))) {
                return p;
            }
        }
        throw new AssertionError("no docker-compose.yml above " + dir);
    }
}
