package dev.starfall.ingestor.source.lcd;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds the query string of {@code GET /cosmos/tx/v1beta1/txs} for the transfers to one address,
 * oldest first, in the two dialects Cosmos SDK nodes speak:
 * <ul>
 *   <li>{@link Dialect#EVENTS} (SDK 0.45 / 0.47):
 *       {@code events=transfer.recipient%3D%27<addr>%27&pagination.offset=<n>&pagination.limit=<n>&order_by=ORDER_BY_ASC};
 *       the node turns offset/limit into page {@code offset/limit + 1}, so the offset must be a multiple of the limit;</li>
 *   <li>{@link Dialect#QUERY} (SDK 0.50+, where {@code events=} is rejected with "query cannot be empty"):
 *       {@code query=transfer.recipient%3D%27<addr>%27&page=<n>&limit=<n>&order_by=ORDER_BY_ASC}.</li>
 * </ul>
 * Pages are 1-based and at most {@link #MAX_LIMIT} long (CometBFT caps a page at 100 results).
 */
public final class LcdQuery {

    public static final String PATH = "/cosmos/tx/v1beta1/txs";
    public static final int MAX_LIMIT = 100;

    /** Bech32 data characters plus the human-readable part; keeps quotes out of the query. */
    private static final Pattern ADDRESS = Pattern.compile("[a-z0-9]{1,127}");

    /** Query parameter dialect of the node. */
    public enum Dialect {
        /** SDK 0.45 / 0.47: {@code events=} with {@code pagination.offset/limit}. */
        EVENTS,
        /** SDK 0.50+: {@code query=} with {@code page/limit}. */
        QUERY
    }

    private LcdQuery() {
    }

    /** The CometBFT condition, unencoded: {@code transfer.recipient='<addr>'}. */
    public static String condition(String recipient) {
        Objects.requireNonNull(recipient, "recipient");
        if (!ADDRESS.matcher(recipient).matches()) {
            throw new IllegalArgumentException("'" + recipient + "' is not a bech32 address");
        }
        return "transfer.recipient='" + recipient + "'";
    }

    /** Query string (no leading {@code ?}) for 1-based {@code page} of {@code limit} results in {@code dialect}. */
    public static String transfersTo(Dialect dialect, String recipient, long page, int limit) {
        Objects.requireNonNull(dialect, "dialect");
        checkLimit(limit);
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more, was " + page);
        }
        return switch (dialect) {
            case EVENTS -> events(recipient, Math.multiplyExact(page - 1, (long) limit), limit);
            case QUERY -> query(recipient, page, limit);
        };
    }

    /** SDK 0.45/0.47 form; {@code offset} must be a multiple of {@code limit} (the node would round it down). */
    public static String events(String recipient, long offset, int limit) {
        checkLimit(limit);
        if (offset < 0 || offset % limit != 0) {
            throw new IllegalArgumentException("offset must be a non-negative multiple of the limit " + limit
                    + " (the node rounds it down to a page), was " + offset);
        }
        return "events=" + encode(condition(recipient)) + "&pagination.offset=" + offset + "&pagination.limit=" + limit
                + "&order_by=ORDER_BY_ASC";
    }

    /** SDK 0.50 form with a 1-based page. */
    public static String query(String recipient, long page, int limit) {
        checkLimit(limit);
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more, was " + page);
        }
        return "query=" + encode(condition(recipient)) + "&page=" + page + "&limit=" + limit + "&order_by=ORDER_BY_ASC";
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be within 1.." + MAX_LIMIT + ", was " + limit);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
