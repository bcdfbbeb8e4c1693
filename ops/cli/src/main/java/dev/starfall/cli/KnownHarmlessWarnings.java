package dev.starfall.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Kafka client warnings that every normal start prints and that ask nothing of an operator,
 * so that a warning in the log means something (installed by {@link QuietLogging}).
 *
 * <p>Kafka Streams' global consumer restores each global store by assigning its partition, reading
 * to the end and unassigning it; the answer to an offset lookup made meanwhile arrives after that,
 * and the consumer warns "Not updating last stable offset for partition ... as it is no longer
 * assigned" (or "high watermark"), twice per start here. The client's log context puts the
 * consumer's name in brackets before the message. Its other warnings (an unknown partition, a
 * failed lookup being retried) still show.
 */
public final class KnownHarmlessWarnings extends TurboFilter {

    static final String OFFSET_FETCHER = "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format != null && level == Level.WARN && OFFSET_FETCHER.equals(logger.getName())
                && (format.contains("] Not updating last stable offset for partition ")
                        || format.contains("] Not updating high watermark for partition "))
                && format.endsWith(" as it is no longer assigned")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
