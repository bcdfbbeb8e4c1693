package dev.starfall.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vertx.core.Handler;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's GET routes by path template ({@code /api/v1/showers/:n/leaderboard}), matched
 * segment by segment, in the order they were added. It stands in for one Vert.x route per
 * template: Vert.x matches a template with a path parameter by a regular expression per route
 * tried, and in a process where many patterns are in use that was the largest cost the gateway
 * added to an answer served from the cache. Same rules as the router: the normalised path, an
 * optional trailing slash, parameters are whole non-empty segments, percent-decoded.
 */
final class RouteTable {

    /** One template and its handler; {@code names} are its parameters in path order. */
    record Route(String template, Handler<RoutingContext> handler, String[] segments, boolean[] params, String[] names) {
    }

    /** A matched route and the values of its parameters, in the order of {@link Route#names()}. */
    record Match(Route route, String[] values) {

        /** The parameters by name. */
        Map<String, String> params() {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                m.put(route.names()[i], values[i]);
            }
            return m;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    /** Adds a template; {@code :name} segments are parameters. */
    void add(String template, Handler<RoutingContext> handler) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a route template starts with '/': " + template);
        }
        String[] segments = template.substring(1).split("/", -1);
        boolean[] params = new boolean[segments.length];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < segments.length; i++) {
            params[i] = segments[i].startsWith(":");
            if (params[i]) {
                segments[i] = segments[i].substring(1);
                names.add(segments[i]);
            }
            if (segments[i].isEmpty()) {
                throw new IllegalArgumentException("empty segment in route template " + template);
            }
        }
        routes.add(new Route(template, handler, segments, params, names.toArray(String[]::new)));
    }

    /** The first route whose template matches {@code path}, with its parameters. */
    Optional<Match> match(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return Optional.empty();
        }
        int end = path.length() > 1 && path.charAt(path.length() - 1) == '/' ? path.length() - 1 : path.length();
        for (Route r : routes) {
            String[] values = matches(r, path, end);
            if (values != null) {
                return Optional.of(new Match(r, values));
            }
        }
        return Optional.empty();
    }

    /** The parameter values when {@code path[0, end)} matches the route, else null. */
    private static String[] matches(Route r, String path, int end) {
        String[] values = r.names().length == 0 ? NONE : new String[r.names().length];
        int param = 0;
        int at = 1;
        for (int i = 0; i < r.segments().length; i++) {
            if (at > end) {
                return null;
            }
            int slash = path.indexOf('/', at);
            int segmentEnd = slash < 0 || slash > end ? end : slash;
            boolean last = i == r.segments().length - 1;
            if (last != (segmentEnd == end)) {
                return null; // more or fewer segments than the template
            }
            if (r.params()[i]) {
                if (segmentEnd == at) {
                    return null;
                }
                String raw = path.substring(at, segmentEnd);
                values[param++] = raw.indexOf('%') < 0 ? raw : RFC3986.decodeURIComponent(raw, false);
            } else {
                String literal = r.segments()[i];
                if (segmentEnd - at != literal.length() || !path.regionMatches(at, literal, 0, literal.length())) {
                    return null;
                }
            }
            at = segmentEnd + 1;
        }
        return values;
    }

    private static final String[] NONE = new String[0];

    /** The templates in matching order. */
    List<String> templates() {
        return routes.stream().map(Route::template).toList();
    }
}
