package dev.starfall.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/** Keeps a started service in the foreground until Ctrl-C (or SIGTERM), then closes it. */
final class Foreground {

    private Foreground() {
    }

    static int untilStopped(AutoCloseable service, String what, PrintStream out) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping " + what + "...");
            try {
                service.close();
            } catch (Exception e) {
                out.println("Failed to stop " + what + " cleanly: " + e.getMessage());
            }
            out.println("Stopped " + what);
            stopped.countDown();
        }, "starfall-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Command.OK;
    }
}
