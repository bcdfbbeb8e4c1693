package dev.starfall.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request rate and latency per route, and a few gateway counters, rendered in the Prometheus text
 * format. Lock-free on the request path (LongAdder per bucket).
 */
public final class GatewayMetrics {

    /** Upper bounds of the latency buckets, in microseconds. */
    private static final long[] BOUNDS_MICROS = {250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000, 5_000_000};

    /** One route template's counters, resolved once when the route is registered: recording looks nothing up. */
    public static final class Route {
        private final LongAdder[] buckets = new LongAdder[BOUNDS_MICROS.length + 1];
        private final LongAdder sumMicros = new LongAdder();
        private final AtomicReferenceArray<LongAdder> byStatus = new AtomicReferenceArray<>(600);

        Route() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        /** Counts one answer with its status and time to answer. */
        public void record(int status, long nanos) {
            long micros = nanos / 1_000;
            int i = 0;
            while (i < BOUNDS_MICROS.length && micros > BOUNDS_MICROS[i]) {
                i++;
            }
            buckets[i].increment();
            sumMicros.add(micros);
            int s = status >= 100 && status < byStatus.length() ? status : 0;
            LongAdder n = byStatus.get(s);
            if (n == null) {
                byStatus.compareAndSet(s, null, new LongAdder());
                n = byStatus.get(s);
            }
            n.increment();
        }

        private Map<Integer, Long> statuses() {
            Map<Integer, Long> m = new TreeMap<>();
            for (int s = 0; s < byStatus.length(); s++) {
                LongAdder n = byStatus.get(s);
                if (n != null) {
                    m.put(s, n.sum());
                }
            }
            return m;
        }
    }

    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder forwardFailures = new LongAdder();
    final LongAdder staleAnswers = new LongAdder();
    final LongAdder notModified = new LongAdder();
    final LongAdder beforeRouter = new LongAdder();
    final LongAdder sseDropped = new LongAdder();

    /** The counters of one route template, created on first use. */
    public Route route(String template) {
        return routes.computeIfAbsent(template, r -> new Route());
    }

    public void record(String route, int status, long nanos) {
        route(route).record(status, nanos);
    }

    /** Appends the gateway's series to {@code out}. */
    public void render(StringBuilder out) {
        out.append("# HELP starfall_http_requests_total HTTP requests by route and status.\n");
        out.append("# TYPE starfall_http_requests_total counter\n");
        new TreeMap<>(routes).forEach((route, s) -> s.statuses().forEach((status, n) ->
                out.append("starfall_http_requests_total{route=\"").append(route).append("\",status=\"").append(status)
                        .append("\"} ").append(n).append('\n')));
        out.append("# HELP starfall_http_request_duration_seconds Time to answer, by route.\n");
        out.append("# TYPE starfall_http_request_duration_seconds histogram\n");
        new TreeMap<>(routes).forEach((route, s) -> {
            long cumulative = 0;
            for (int i = 0; i < s.buckets.length; i++) {
                cumulative += s.buckets[i].sum();
                String le = i < BOUNDS_MICROS.length ? seconds(BOUNDS_MICROS[i]) : "+Inf";
                out.append("starfall_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"").append(le)
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append("starfall_http_request_duration_seconds_sum{route=\"").append(route).append("\"} ")
                    .append(seconds(s.sumMicros.sum())).append('\n');
            out.append("starfall_http_request_duration_seconds_count{route=\"").append(route).append("\"} ").append(cumulative).append('\n');
        });
        counter(out, "starfall_http_rate_limited_total", "Requests answered 429 by the per-client rate limit.", rateLimited.sum());
        counter(out, "starfall_http_forwarded_total", "Requests forwarded to the instance owning the key.", forwarded.sum());
        counter(out, "starfall_http_forward_failures_total", "Forwards that failed or timed out.", forwardFailures.sum());
        counter(out, "starfall_http_stale_answers_total", "Answers served from a standby copy.", staleAnswers.sum());
        counter(out, "starfall_http_not_modified_total", "Answers 304 Not Modified.", notModified.sum());
        counter(out, "starfall_sse_dropped_total", "Live clients dropped because they read too slowly.", sseDropped.sum());
    }

    static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    /** A counter of seconds (or another fractional unit). */
    static void counter(StringBuilder out, String name, String help, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(String.format(Locale.ROOT, "%.6f", value)).append('\n');
    }

    static void gauge(StringBuilder out, String name, String help, String labels, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(labels).append(' ').append(String.format(Locale.ROOT, "%s", value)).append('\n');
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }
}
