package dev.starfall.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.starfall.ingestor.source.http.EndpointPool;

/**
 * The chain API endpoints of {@code STARFALL_SOURCE_URL}: one URL, or a comma-separated list of
 * {@code [name=]URL[@weight]} items, e.g.
 * {@code main=https://fcd.example.org@3,backup=https://fcd.other.net@1}.
 *
 * <ul>
 *   <li>{@code name}: letters, digits, {@code . _ -}; unique. Without one, a single endpoint is
 *       {@code primary} and the items of a list are {@code endpoint-1}, {@code endpoint-2}, ...</li>
 *   <li>{@code URL}: {@code http(s)://host[:port][/path]}, the API's base without its own path
 *       (e.g. without {@code /v1/txs}); it cannot contain a comma.</li>
 *   <li>{@code weight}: the endpoint's share of the requests, relative to the others (default 1);
 *       0 makes it a failover that is used only while the weighted ones are unavailable. At least
 *       one weight must be positive. The split can be changed while running on the admin listener.</li>
 * </ul>
 */
public final class SourceEndpoints {

    /** The endpoint name of a single unnamed URL. */
    public static final String SINGLE = "primary";
    public static final int MAX_WEIGHT = 1_000_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern WEIGHT = Pattern.compile("\\d{1,9}");
    /** What follows the last '@' is a weight when it looks like a number (else it is the host after a URL's user info). */
    private static final Pattern LOOKS_NUMERIC = Pattern.compile("[-+]?[0-9]*\\.?[0-9]+");

    private SourceEndpoints() {
    }

    /**
     * @param what the variable or flag, named in errors
     * @throws UsageException naming the item at fault and what is wrong with it
     */
    public static List<EndpointPool.EndpointConfig> parse(String value, String what) {
        String[] items = value.split(",", -1);
        List<EndpointPool.EndpointConfig> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int positive = 0;
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            if (item.isEmpty()) {
                throw new UsageException(what + ": item " + (i + 1) + " is empty (expected [name=]URL[@weight], comma-separated)");
            }
            EndpointPool.EndpointConfig e = item(item, items.length == 1 ? SINGLE : "endpoint-" + (i + 1), what);
            if (!names.add(e.name())) {
                throw new UsageException(what + ": endpoint name '" + e.name() + "' is used twice");
            }
            if (e.weight() > 0) {
                positive++;
            }
            out.add(e);
        }
        if (positive == 0) {
            throw new UsageException(what + ": at least one endpoint needs a positive weight, got " + value.strip());
        }
        return List.copyOf(out);
    }

    /** The list back in the form {@link #parse} reads. */
    public static String format(List<EndpointPool.EndpointConfig> endpoints) {
        return String.join(",", endpoints.stream().map(e -> e.name() + "=" + e.baseUrl() + "@" + e.weight()).toList());
    }

    private static EndpointPool.EndpointConfig item(String item, String defaultName, String what) {
        String name = defaultName;
        String rest = item;
        int eq = item.indexOf('=');
        if (eq >= 0 && !item.substring(0, eq).contains("/") && !item.substring(0, eq).contains(":")) {
            name = item.substring(0, eq).strip();
            rest = item.substring(eq + 1).strip();
            if (!NAME.matcher(name).matches()) {
                throw new UsageException(what + ": endpoint name '" + name + "' in '" + item + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
        }
        int weight = 1;
        int at = rest.lastIndexOf('@');
        if (at >= 0 && LOOKS_NUMERIC.matcher(rest.substring(at + 1).strip()).matches()) {
            String w = rest.substring(at + 1).strip();
            if (!WEIGHT.matcher(w).matches() || Long.parseLong(w) > MAX_WEIGHT) {
                throw new UsageException(what + ": weight '" + w + "' of " + name + " must be an integer in 0.." + MAX_WEIGHT);
            }
            weight = Integer.parseInt(w);
            rest = rest.substring(0, at).strip();
        }
        return new EndpointPool.EndpointConfig(name, url(rest, name, what), weight);
    }

    private static String url(String text, String name, String what) {
        String url = text;
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UsageException(what + ": URL of " + name + " is not a URL: '" + text + "' (" + e.getReason() + ")", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new UsageException(what + ": URL of " + name + " must be http(s)://host[:port][/path], got '" + text + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException(what + ": URL of " + name + " must be the API's base URL, without a query or fragment, got '" + text + "'");
        }
        return url;
    }
}
