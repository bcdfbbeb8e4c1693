package dev.starfall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class KnownHarmlessWarningsTest {

    @Test
    void shouldDropOnlyTheGlobalConsumersUnassignedPartitionWarnings() {
        LoggerContext context = new LoggerContext();
        KnownHarmlessWarnings filter = new KnownHarmlessWarnings();
        filter.start();
        context.addTurboFilter(filter);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);
        Logger fetcher = context.getLogger(KnownHarmlessWarnings.OFFSET_FETCHER);

        // as the Kafka client words them (OffsetFetcherUtils, kafka-clients 4.3.1), behind its log context's prefix
        String prefix = "[Consumer clientId=app-global-consumer, groupId=null] ";
        fetcher.warn(prefix + "Not updating last stable offset for partition {} as it is no longer assigned", "summaries-0");
        fetcher.warn(prefix + "Not updating high watermark for partition {} as it is no longer assigned", "cursors-0");
        fetcher.warn(prefix + "Attempt to fetch offsets for partition {} failed due to unexpected exception: {}, retrying.", "t-0", "boom");
        fetcher.warn(prefix + "Received unknown topic or partition error in ListOffset request for partition {}", "t-0");
        context.getLogger("org.apache.kafka.clients.NetworkClient")
                .warn(prefix + "Not updating last stable offset for partition {} as it is no longer assigned", "t-0");

        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                prefix + "Attempt to fetch offsets for partition t-0 failed due to unexpected exception: boom, retrying.",
                prefix + "Received unknown topic or partition error in ListOffset request for partition t-0",
                prefix + "Not updating last stable offset for partition t-0 as it is no longer assigned");
        context.stop();
    }
}
