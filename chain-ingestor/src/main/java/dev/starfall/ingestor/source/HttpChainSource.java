package dev.starfall.ingestor.source;

import java.io.IOException;
import java.util.Objects;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.starfall.ingestor.source.http.Endpoint;
import dev.starfall.ingestor.source.http.EndpointPool;
import dev.starfall.ingestor.source.http.HttpApi;

/**
 * What the HTTP chain sources (FCD, LCD, Solana JSON-RPC) share: the watched target, the endpoint pool (whose weights
 * can be changed while running), the counters, the {@link HttpApi} that paces, retries and fails over, and the stable
 * source id.
 */
public abstract class HttpChainSource implements ChainSource {

    /** Reads answer bodies. */
    protected static final ObjectMapper JSON = JsonMapper.builder().build();

    protected final WatchTarget target;
    protected final EndpointPool pool;
    protected final SourceStats stats;
    protected final HttpApi api;
    private final String sourceId;

    /**
     * @param apiName the API's name in the source id, e.g. {@code lcd}
     * @param pool    the endpoints
     * @param newApi  makes the {@link HttpApi} over the pool, reporting to the source's counters
     */
    protected HttpChainSource(WatchTarget target, String apiName, EndpointPool pool, BiFunction<EndpointPool, SourceStats, HttpApi> newApi) {
        this.target = Objects.requireNonNull(target, "target");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.stats = new SourceStats(pool);
        this.api = newApi.apply(pool, stats);
        this.sourceId = target.sourceId(apiName);
    }

    /** A source over {@code settings}' endpoints, pacing, retries and time. */
    protected HttpChainSource(WatchTarget target, SourceSettings settings, String apiName) {
        this(target, apiName, settings.newPool(), settings::newApi);
    }

    @Override
    public String sourceId() {
        return sourceId;
    }

    @Override
    public String endpoint() {
        return pool.primary().baseUrl();
    }

    /** The endpoints, for changing weights while running. */
    public EndpointPool pool() {
        return pool;
    }

    @Override
    public SourceStats.Snapshot stats() {
        return stats.snapshot();
    }

    /** A 2xx body as JSON; an empty body or one that is not JSON is {@link Failures#unparseable}. */
    protected static JsonNode readJson(Endpoint endpoint, HttpApi.Request request, byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || json.isMissingNode()) {
                throw Failures.unparseable(endpoint.baseUrl(), request.description(), "$", "empty body", null);
            }
            return json;
        } catch (JsonProcessingException e) {
            throw Failures.unparseable(endpoint.baseUrl(), request.description(), "$", "body is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            // reading bytes in memory does no I/O; kept apart from the JSON errors all the same
            throw Failures.unparseable(endpoint.baseUrl(), request.description(), "$", "body could not be read: " + e.getMessage(), e);
        }
    }
}
