package dev.starfall.bench.reads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One closed-loop {@code wrk} run on loopback, pinned to a CPU, with the shared Lua script that
 * rotates over a file of request paths; its output parsed into req/s, p50, p99 and errors, plus
 * how busy wrk kept its own core (from the shell's {@code times} after wrk exits).
 */
final class Wrk {

    /**
     * The same script for both arms: requests are formatted once in {@code init}, so the Lua cost per
     * request is one call and one table read whichever endpoint is measured.
     */
    static final String LUA = """
            -- starfall reads benchmark: rotate over the request paths listed in the file named by the first argument
            local requests = {}
            local count = 0
            local turn = 0
            init = function(args)
              for line in io.lines(args[1]) do
                if #line > 0 then
                  count = count + 1
                  requests[count] = wrk.format("GET", line)
                end
              end
              if count == 0 then error("no paths in " .. args[1]) end
            end
            request = function()
              turn = turn % count + 1
              return requests[turn]
            end
            """;

    /**
     * What one run measured.
     *
     * @param requestsPerSecond completed requests per second
     * @param p50Ms             median latency
     * @param p99Ms             99th percentile latency (closed loop: mostly queueing)
     * @param errors            non-2xx/3xx answers plus socket errors
     * @param wrkBusy           CPU seconds of wrk per second of the run (1.0 = its core saturated)
     */
    record Result(double requestsPerSecond, double p50Ms, double p99Ms, long errors, double wrkBusy) {
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");

    private final String cpu;
    private final int connections;
    private final List<String> headers;

    /** @param headers request headers every request carries ({@code Name: value}) */
    Wrk(String cpu, int connections, List<String> headers) {
        this.cpu = cpu;
        this.connections = connections;
        this.headers = List.copyOf(headers);
    }

    /** Runs wrk for {@code duration} against {@code baseUrl} with the paths in {@code paths}. */
    Result run(String baseUrl, Path script, Path paths, Duration duration) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "taskset -c \"$0\" wrk \"$@\"; times", cpu,
                "-t1", "-c" + connections, "-d" + duration.toSeconds() + "s", "--latency", "-s", script.toString()));
        headers.forEach(h -> cmd.addAll(List.of("-H", h))); // wrk.format in the script's init adds them to every request
        cmd.addAll(List.of(baseUrl, "--", paths.toString()));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        double wall = (System.nanoTime() - start) / 1e9;
        Matcher rps = RPS.matcher(out);
        if (exit != 0 || !rps.find()) {
            throw new IllegalStateException("wrk failed (exit " + exit + "):\n" + out);
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        double wrkCpu = Double.NaN;
        Matcher times = TIMES.matcher(out);
        while (times.find()) { // the last line is the children's (wrk's) user and system time
            wrkCpu = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                    + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
        }
        return new Result(Double.parseDouble(rps.group(1)), percentileMs(out, "50%"), percentileMs(out, "99%"), errors, wrkCpu / wall);
    }

    /** A line of wrk's latency distribution, e.g. {@code 99%    1.10ms}, in milliseconds. */
    static double percentileMs(String out, String label) {
        Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s|m)\\s*$").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + label + " latency in wrk's output (--latency):\n" + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
        };
    }

    /** Writes the shared script into {@code dir}. */
    static Path writeScript(Path dir) throws IOException {
        return Files.writeString(dir.resolve("reads.lua"), LUA, StandardCharsets.UTF_8);
    }
}
