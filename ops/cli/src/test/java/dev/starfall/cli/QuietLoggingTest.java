package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuietLoggingTest {

    @Test
    void shouldSetTheQuietLevelsTheFilterAndOneConsoleAppenderOnStandardError() {
        LoggerContext context = new LoggerContext();
        QuietLogging.apply(context);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, a -> {
            assertThat(a.isStarted()).isTrue();
            assertThat(a.getTarget()).isEqualTo("System.err");
        });
        assertThat(context.getLogger("dev.starfall.projections.ProjectionsService").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.apache.kafka.streams.KafkaStreams").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.kafka.streams.processor.internals.StreamThread").getEffectiveLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getLogger("io.netty.channel.DefaultChannelPipeline").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.rocksdb.RocksDB").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getTurboFilterList()).hasSize(1).allSatisfy(f -> {
            assertThat(f).isInstanceOf(KnownHarmlessWarnings.class);
            assertThat(f.isStarted()).isTrue();
        });
        context.stop();
    }

    @Test
    void shouldStepAsideForAnXmlFileOnTheClassPathOrNamedBySystemProperty() throws Exception {
        // the tests' class path has logback-test.xml
        assertThat(QuietLogging.xmlConfigurationPresent(getClass().getClassLoader())).isTrue();
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            assertThat(QuietLogging.xmlConfigurationPresent(bare)).isFalse();
            String before = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
            System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, "/etc/starfall/logback.xml");
            try {
                assertThat(QuietLogging.xmlConfigurationPresent(bare)).isTrue();
            } finally {
                if (before == null) {
                    System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
                } else {
                    System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, before);
                }
            }
        }
    }

    @Test
    void shouldLeaveTheContextToLogbacksXmlWhenAFileIsPresent() {
        LoggerContext context = new LoggerContext();
        QuietLogging configurator = new QuietLogging();
        configurator.setContext(context);

        assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        assertThat(context.getTurboFilterList()).isEmpty();
        context.stop();
    }

    /**
     * The command as shipped, in a JVM of its own whose class path has no logback-test.xml: logback
     * finds this configurator as a service, and a failure is logged in its pattern on standard error.
     */
    @Test
    void shouldBeWhatTheShippedCommandLogsWith(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        String mainClassPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", mainClassPath,
                Starfall.class.getName(), "keygen", "--out", notADirectory.resolve("keys").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(Command.FAILED);
        assertThat(err).containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR d\\.s\\.cli\\.Starfall - starfall keygen failed$");
        assertThat(err).contains("starfall keygen: ");
    }
}
