package dev.starfall.cli;

import java.util.Map;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command line's logging, built in code: quiet by default, starfall's own progress at INFO and
 * everything else only when it warns. Logback finds this class through {@code ServiceLoader}
 * before it looks for an XML file.
 *
 * <p>It replaces a {@code logback.xml} in the jar: reading that XML cost about a quarter of a
 * second of the main thread at every start, before anything else could start
 * (ops/bench/REPORT.md, row 54). An XML configuration still wins when there is one, so the way to
 * raise a logger stays logback's own: {@code -Dlogback.configurationFile=<file>}, or a
 * {@code logback.xml} (or {@code logback-test.xml}, as in the tests) on the class path. Then this
 * class steps aside and logback reads the file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class QuietLogging extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    /** Loggers set apart from the root's WARN (each by its own name, so their order does not matter). */
    static final Map<String, Level> LEVELS = Map.of(
            "dev.starfall", Level.INFO,
            "org.apache.kafka", Level.WARN,
            "org.apache.kafka.clients.NetworkClient", Level.ERROR,
            "org.apache.kafka.streams.processor.internals", Level.ERROR,
            "kafka", Level.WARN,
            // "controller activation ... metadata log appears to be empty" is the normal first start
            "org.apache.kafka.controller.QuorumController", Level.ERROR,
            "state.change.logger", Level.ERROR,
            "io.vertx", Level.WARN,
            "io.netty", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (xmlConfigurationPresent(QuietLogging.class.getClassLoader())) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether logback's own configurator would find an XML file: the system property, then the class path. */
    static boolean xmlConfigurationPresent(ClassLoader loader) {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return true;
        }
        return loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
    }

    static void apply(LoggerContext context) {
        // drops warnings every normal start prints (see the class)
        KnownHarmlessWarnings harmless = new KnownHarmlessWarnings();
        harmless.setContext(context);
        harmless.start();
        context.addTurboFilter(harmless);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
    }
}
