package dev.starfall.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for the services of one benchmark. */
public final class Ports {

    private Ports() {
    }

    /** The first of {@code count} consecutive ports that are free now, searched from a random start. */
    public static int freeRange(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int start = 10_000 + (int) (Math.random() * 20_000); // below the ephemeral range (32768+) that client sockets take
            boolean ok = true;
            for (int p = start; p < start + count && ok; p++) {
                ok = free(p);
            }
            if (ok) {
                return start;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
