package dev.starfall.ingestor.source.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

import dev.starfall.ingestor.source.Failures;
import dev.starfall.ingestor.source.MalformedPayloadException;
import dev.starfall.ingestor.source.PageDiscontinuityException;
import dev.starfall.ingestor.source.RetryPolicy;
import dev.starfall.ingestor.source.Sleeper;
import dev.starfall.ingestor.source.SourceException;
import dev.starfall.ingestor.source.SourceStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one logical request to an {@link EndpointPool} until it gets a usable answer:
 *
 * <ol>
 *   <li>picks an endpoint by weight among those whose circuit breaker lets it through (avoiding
 *       the one that just failed: failover); waits when every breaker is open;</li>
 *   <li>waits for the endpoint's pacing token and any {@code Retry-After} cool-down, and before a
 *       retry for the jittered exponential backoff of {@link RetryPolicy};</li>
 *   <li>sends with the per-request timeout; a non-2xx answer is classified by {@link Failures};
 *       429, 5xx, I/O errors and timeouts count against the endpoint's breaker, a
 *       {@code Retry-After} (seconds or HTTP-date) cools that endpoint down;</li>
 *   <li>hands a 2xx body to the {@link Reader} as the bytes it came in (JSON parses UTF-8 bytes
 *       without first decoding them to a {@code String}, and pages can be hundreds of kilobytes);
 *       a {@link MalformedPayloadException} from it gets the request, status and raw body (decoded
 *       only then) attached and is thrown at once (fatal); a page that does not connect
 *       ({@link PageDiscontinuityException}) is asked again.</li>
 * </ol>
 * After {@link RetryPolicy#maxAttempts()} attempts the last failure is thrown as retriable. Used by
 * one thread at a time (the random generator is not thread-safe).
 */
public final class HttpApi {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    /**
     * One logical request.
     *
     * @param method      GET or POST
     * @param path        path and query after the endpoint's base URL, starting with '/'
     * @param jsonBody    JSON body of a POST, null for GET
     * @param description how logs, errors and the malformed-payload record name it
     */
    public record Request(String method, String path, String jsonBody, String description) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(description, "description");
        }

        public static Request get(String pathAndQuery) {
            return new Request("GET", pathAndQuery, null, "GET " + pathAndQuery);
        }

        public static Request postJson(String path, String body) {
            return new Request("POST", path, body, "POST " + path + " " + body);
        }
    }

    /**
     * Reads a 2xx answer, its body as the bytes it came in (UTF-8 JSON); throws
     * {@link SourceException} (retriable or not) when it is not usable.
     */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Endpoint endpoint, int status, byte[] body);
    }

    /**
     * Reads a non-2xx answer in an API's own error shape; returns null to leave it to
     * {@link Failures#http} (status decides). Lets e.g. the LCD call a gRPC "wrong query dialect"
     * fatal although it comes with HTTP 500.
     */
    @FunctionalInterface
    public interface ErrorReader {
        SourceException read(Endpoint endpoint, int status, String body);
    }

    /** A usable answer and the endpoint that gave it. */
    public record Answer<T>(T value, Endpoint endpoint) {
    }

    private final EndpointPool pool;
    private final HttpClient http;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Duration requestTimeout;
    private final Clock clock;
    private final SourceStats stats;

    public HttpApi(EndpointPool pool, HttpClient http, RetryPolicy policy, Sleeper sleeper, RandomGenerator random,
                   Duration requestTimeout, Clock clock, SourceStats stats) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.http = Objects.requireNonNull(http, "http");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = Objects.requireNonNull(stats, "stats");
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
    }

    /**
     * An HTTP/1.1 client with a 10 s connect timeout; share one per process.
     *
     * <p>Its dependent tasks run on its own selector thread ({@code executor(Runnable::run)})
     * instead of a pool thread each: with the JDK's default executor every piece of a body read
     * from the socket was handed to another thread, about twice the client's CPU for a
     * 300 kB page. Nothing the client runs there blocks: a body is collected into a byte array
     * ({@link HttpResponse.BodyHandlers#ofByteArray}) and read by the caller after
     * {@link HttpClient#send} returns.
     */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .executor(Runnable::run)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public EndpointPool pool() {
        return pool;
    }

    public SourceStats stats() {
        return stats;
    }

    /** Sends {@code request} until {@code reader} accepts an answer; see the class comment. */
    public <T> Answer<T> call(Request request, Reader<T> reader) throws InterruptedException {
        return call(request, reader, (endpoint, status, body) -> null);
    }

    /** As {@link #call(Request, Reader)}, with an API-specific reading of error answers. */
    public <T> Answer<T> call(Request request, Reader<T> reader, ErrorReader errors) throws InterruptedException {
        Endpoint failed = null;
        SourceException lastFailure = null;
        int attempts = 0;
        while (true) {
            EndpointPool.Pick pick = pool.pick(random, failed);
            if (!pick.found()) {
                Duration wait = pick.waitForBreaker().isZero() ? Duration.ofMillis(1) : pick.waitForBreaker();
                log.debug("Every endpoint's breaker is open; waiting {} ms before {}", wait.toMillis(), request.description());
                sleeper.sleep(wait);
                continue;
            }
            Endpoint endpoint = pick.endpoint();
            Duration wait = endpoint.reserve();
            if (attempts > 0) {
                Duration backoff = policy.delayBefore(attempts, null, random);
                if (backoff.compareTo(wait) > 0) {
                    wait = backoff;
                }
            }
            if (!wait.isZero()) {
                sleeper.sleep(wait);
            }
            attempts++;
            Outcome<T> outcome = attempt(endpoint, request, reader, errors);
            if (outcome.failure() == null) {
                return new Answer<>(outcome.value(), endpoint);
            }
            SourceException failure = outcome.failure();
            if (!failure.retriable()) {
                throw failure;
            }
            lastFailure = failure;
            if (attempts >= policy.maxAttempts()) {
                throw Failures.exhausted(endpoint.baseUrl(), request.description(), attempts, lastFailure);
            }
            stats.retry();
            failed = endpoint;
            log.debug("Attempt {} of {} at {} failed, retrying: {}", attempts, request.description(), endpoint, failure.getMessage());
        }
    }

    /** What one attempt gave: a value, or a failure already accounted for. */
    private record Outcome<T>(T value, SourceException failure) {
        static <T> Outcome<T> failed(SourceException e) {
            return new Outcome<>(null, e);
        }
    }

    private <T> Outcome<T> attempt(Endpoint endpoint, Request request, Reader<T> reader, ErrorReader errors) throws InterruptedException {
        CircuitBreaker breaker = endpoint.breaker();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + request.path()))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        if (request.jsonBody() == null) {
            builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(request.method(), HttpRequest.BodyPublishers.ofString(request.jsonBody(), StandardCharsets.UTF_8));
        }
        stats.request();
        endpoint.requests.incrementAndGet();
        HttpResponse<byte[]> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            stats.timeout();
            endpoint.timeouts.incrementAndGet();
            breaker.onFailure();
            return Outcome.failed(Failures.io(endpoint.baseUrl(), request.description(), e));
        } catch (IOException e) {
            endpoint.ioErrors.incrementAndGet();
            breaker.onFailure();
            return Outcome.failed(Failures.io(endpoint.baseUrl(), request.description(), e));
        } catch (InterruptedException e) {
            breaker.onNeutral();
            throw e;
        }
        int status = response.statusCode();
        stats.status(status);
        endpoint.answered(status);
        byte[] bytes = response.body();
        if (status < 200 || status > 299) {
            String body = new String(bytes, StandardCharsets.UTF_8);
            SourceException failure = Failures.http(endpoint.baseUrl(), request.description(), status, body,
                    Failures.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null), clock.instant()));
            SourceException specific = status == 429 ? null : errors.read(endpoint, status, body);
            if (specific != null) {
                failure = specific;
            }
            if (failure.retriable()) {
                breaker.onFailure();
                failure.retryAfter().ifPresent(d -> endpoint.coolDown(cap(d)));
            } else {
                breaker.onNeutral();
            }
            return Outcome.failed(failure);
        }
        try {
            T value = reader.read(endpoint, status, bytes);
            breaker.onSuccess();
            endpoint.successes.incrementAndGet();
            return new Outcome<>(value, null);
        } catch (MalformedPayloadException e) {
            breaker.onNeutral();
            return Outcome.failed(e.request() != null ? e : e.withContext(endpoint.baseUrl(), request.description(), status,
                    new String(bytes, StandardCharsets.UTF_8)));
        } catch (PageDiscontinuityException e) {
            breaker.onNeutral();
            return Outcome.failed(e);
        } catch (SourceException e) {
            if (e.retriable()) {
                // an error inside a 2xx answer (JSON-RPC): the endpoint is overloaded or unhealthy
                if (e.httpStatus() != status) {
                    stats.status(e.httpStatus());
                    endpoint.answered(e.httpStatus());
                }
                breaker.onFailure();
                e.retryAfter().ifPresent(d -> endpoint.coolDown(cap(d)));
            } else {
                breaker.onNeutral();
            }
            return Outcome.failed(e);
        }
    }

    private Duration cap(Duration retryAfter) {
        return retryAfter.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : retryAfter;
    }
}
