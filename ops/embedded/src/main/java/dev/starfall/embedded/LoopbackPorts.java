package dev.starfall.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers that are told their port before they bind it (an embedded
 * broker and its KRaft controller, a registry, a gateway in a child process).
 *
 * <p>Not the kernel's "any free port" ({@code bind(0)}): that port comes from the ephemeral range
 * (32768 to 60999 on Linux), which every outgoing connection of the clients takes its own port
 * from, so between the check and the server's bind a client can take it ("Address already in
 * use", or a KRaft controller that cannot bind and ends the JVM). These come from below that range,
 * one after another from a random start, so that one JVM never hands out a port twice.
 */
public final class LoopbackPorts {

    private static final int LOW = 10_000;
    /** Below the Linux default ephemeral range (32768 and up). */
    private static final int HIGH = 32_000;

    private static int next = LOW + ThreadLocalRandom.current().nextInt(HIGH - LOW);

    private LoopbackPorts() {
    }

    /** One free port. */
    public static int free() {
        return freeRange(1);
    }

    /** The first of {@code count} consecutive ports that are all free now (a broker and its controller take two). */
    public static synchronized int freeRange(int count) {
        if (count < 1 || count > 100) {
            throw new IllegalArgumentException("count must be 1 to 100: " + count);
        }
        for (int attempt = 0; attempt < 1_000; attempt++) {
            if (next + count > HIGH) {
                next = LOW;
            }
            int start = next;
            next += count;
            boolean free = true;
            for (int p = start; p < start + count && free; p++) {
                free = bindable(p);
            }
            if (free) {
                return start;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free loopback ports between " + LOW + " and " + HIGH);
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
