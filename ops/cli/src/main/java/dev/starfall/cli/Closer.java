package dev.starfall.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parts started in dependency order, closed in reverse; a failure to close one does not stop the others. */
final class Closer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Closer.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /**
     * Runs {@code startAll} on {@code service}, which tracks the parts it starts; on a failure, closes
     * what already started and rethrows.
     */
    static <S extends AutoCloseable> S startOrClose(S service, Consumer<S> startAll) {
        try {
            startAll.accept(service);
            return service;
        } catch (RuntimeException e) {
            try {
                service.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    <T extends AutoCloseable> T track(T part) {
        started.push(part);
        return part;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("Failed to close {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
