package dev.starfall.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --name value} (or {@code --name=value}) options and {@code --switch} flags of one
 * subcommand; {@code --help} is always accepted. Unknown or repeated options are usage errors; an
 * option given with a blank value counts as not given.
 */
public final class Args {

    public static final String HELP = "--help";

    private final Map<String, String> values;
    private final Set<String> switches;

    private Args(Map<String, String> values, Set<String> switches) {
        this.values = values;
        this.switches = switches;
    }

    /**
     * @param options     options that take a value
     * @param switchNames options that take none
     * @throws UsageException naming the offending option
     */
    public static Args parse(List<String> args, Set<String> options, Set<String> switchNames) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> on = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (name.equals(HELP) || switchNames.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                on.add(name);
                continue;
            }
            if (!options.contains(name)) {
                throw new UsageException("unknown option " + a + (a.startsWith("--") ? "" : " (options start with --)"));
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value");
                }
                value = args.get(++i);
            }
            if (values.put(name, value) != null) {
                throw new UsageException(name + " given twice");
            }
        }
        return new Args(Map.copyOf(values), Set.copyOf(on));
    }

    public boolean help() {
        return switches.contains(HELP);
    }

    public boolean has(String switchName) {
        return switches.contains(switchName);
    }

    /** The option's value, empty when not given or blank. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new UsageException(name + " is required"));
    }

    public Path requirePath(String name) {
        return Path.of(require(name));
    }

    /** The required option as an integer in {@code min..max}. */
    public int integer(String name, int min, int max) {
        String v = require(name).strip();
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an integer, got '" + v + "'", e);
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be in " + min + ".." + max + ", got " + v);
        }
        return (int) n;
    }

    /** The option as an integer in {@code min..max}, {@code dflt} when not given. */
    public int integer(String name, int dflt, int min, int max) {
        return get(name).isPresent() ? integer(name, min, max) : dflt;
    }

    /** The option as a duration ({@link Durations#parse}), {@code dflt} when not given. */
    public Duration duration(String name, Duration dflt) {
        return get(name).map(v -> Durations.parse(v, name)).orElse(dflt);
    }

    /** Every option given with a value, by name (the raw values, blank ones included). */
    public Map<String, String> values() {
        return values;
    }
}
