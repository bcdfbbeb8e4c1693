package dev.starfall.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network transport the gateway's Vert.x runs on: Linux's io_uring or epoll through Netty's
 * native libraries (shipped for x86_64 and aarch64), or Java NIO, which runs anywhere.
 * {@link #AUTO} takes the first of those three that this machine allows (a kernel without io_uring, a
 * container whose seccomp profile forbids it, or a temporary directory mounted {@code noexec}, where
 * a native library cannot load, each moves it down the list); naming one makes it required, and a
 * start where it is unavailable fails with the reason.
 *
 * <p>Why io_uring first: on the leaderboard benchmark (ops/bench, REPORT row 69) the gateway's core
 * spent about a fifth less a request with it than with NIO, and a seventh less than with epoll: the
 * event loop submits a turn's sends and reads together instead of making one system call each.
 */
public enum NetTransport {
    AUTO("auto"),
    IO_URING("io_uring"),
    EPOLL("epoll"),
    NIO("nio");

    private static final Logger log = LoggerFactory.getLogger(NetTransport.class);

    /** The order {@link #AUTO} tries. */
    private static final List<NetTransport> PREFERENCE = List.of(IO_URING, EPOLL, NIO);

    private final String id;

    NetTransport(String id) {
        this.id = id;
    }

    /** As written in settings: {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}. */
    public String id() {
        return id;
    }

    /** The choice written as {@code value} (any case; {@code io-uring} too). */
    public static NetTransport parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (NetTransport t : values()) {
            if (t.id.equals(v)) {
                return t;
            }
        }
        throw new IllegalArgumentException("network transport must be one of auto, io_uring, epoll, nio; got '" + value + "'");
    }

    /**
     * The choice written as {@code value}, checked against this machine when it names a transport
     * (a named one is required; {@link #AUTO} is resolved when Vert.x starts, and falls back).
     *
     * @param unavailable why each transport cannot run here (empty when it can)
     * @throws IllegalArgumentException for an unknown value, or a named transport that cannot run here, saying why
     */
    public static NetTransport parseRunnable(String value, Function<NetTransport, Optional<String>> unavailable) {
        NetTransport t = parse(value);
        if (t != AUTO) {
            try {
                t.resolve(unavailable);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return t;
    }

    /**
     * What a choice runs on.
     *
     * @param transport the transport taken, never {@link #AUTO}
     * @param passedOver for {@link #AUTO}, each preferred transport not taken and why
     */
    public record Resolution(NetTransport transport, List<String> passedOver) {

        public Resolution {
            if (transport == AUTO) {
                throw new IllegalArgumentException("a resolution names a transport");
            }
            passedOver = List.copyOf(passedOver);
        }

        /** One line for the log, e.g. {@code epoll (io_uring unavailable: ...)}. */
        public String describe() {
            return transport.id + (passedOver.isEmpty() ? "" : " (" + String.join("; ", passedOver) + ")");
        }

        /** A Vert.x instance with {@code options} on this transport; logs which at INFO, with what {@link #AUTO} passed over. */
        public Vertx vertx(VertxOptions options) {
            log.info("Network transport: {}", describe());
            return Vertx.builder().with(options).withTransport(transport.vertxTransport()).build();
        }
    }

    /**
     * Resolves this choice, given why each transport cannot run here ({@code unavailable}: empty when it can).
     *
     * @throws IllegalStateException when a named transport cannot run here
     */
    public Resolution resolve(Function<NetTransport, Optional<String>> unavailable) {
        if (this != AUTO) {
            Optional<String> why = unavailable.apply(this);
            if (why.isPresent()) {
                throw new IllegalStateException("the " + id + " network transport is not available here: " + why.get()
                        + " (auto falls back to the next that is: io_uring, epoll, nio)");
            }
            return new Resolution(this, List.of());
        }
        List<String> passedOver = new ArrayList<>();
        for (NetTransport t : PREFERENCE) {
            Optional<String> why = unavailable.apply(t);
            if (why.isEmpty()) {
                return new Resolution(t, passedOver);
            }
            passedOver.add(t.id + " unavailable: " + why.get());
        }
        throw new IllegalStateException("no network transport is available: " + String.join("; ", passedOver));
    }

    /** Why this transport cannot run on this machine, as Vert.x and Netty found it; empty when it can. */
    public Optional<String> unavailability() {
        Transport t = vertxTransport();
        if (t.available()) {
            return Optional.empty();
        }
        Throwable cause = t.unavailabilityCause();
        if (cause == null) {
            return Optional.of("not supported");
        }
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return Optional.of(cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage());
    }

    /**
     * What this choice runs on on this machine.
     *
     * @throws IllegalStateException when a named transport cannot run here
     */
    public Resolution resolveHere() {
        return resolve(NetTransport::unavailability);
    }

    /**
     * A Vert.x instance with {@code options} on the transport this choice resolves to here; see
     * {@link Resolution#vertx}.
     *
     * @throws IllegalStateException when a named transport cannot run here
     */
    public Vertx vertx(VertxOptions options) {
        return resolveHere().vertx(options);
    }

    private Transport vertxTransport() {
        return switch (this) {
            case IO_URING -> Transport.IO_URING;
            case EPOLL -> Transport.EPOLL;
            case NIO -> Transport.NIO;
            case AUTO -> throw new IllegalStateException("auto is resolved to a transport first");
        };
    }
}
