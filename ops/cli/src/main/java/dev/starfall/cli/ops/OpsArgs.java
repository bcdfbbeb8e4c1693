package dev.starfall.cli.ops;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --name value} (or {@code --name=value}) options and {@code --switch} flags; {@code --help}
 * is always accepted. Unknown or repeated options are {@link OpsUsageException}s.
 */
final class OpsArgs {

    static final String HELP = "--help";

    private final Map<String, String> values;
    private final Set<String> switches;

    private OpsArgs(Map<String, String> values, Set<String> switches) {
        this.values = values;
        this.switches = switches;
    }

    static OpsArgs parse(List<String> args, Set<String> options, Set<String> switchNames) {
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
                    throw new OpsUsageException(name + " takes no value");
                }
                on.add(name);
                continue;
            }
            if (!options.contains(name)) {
                throw new OpsUsageException("unknown option " + a + (a.startsWith("--") ? "" : " (options start with --)"));
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new OpsUsageException(name + " needs a value");
                }
                value = args.get(++i);
            }
            if (values.put(name, value) != null) {
                throw new OpsUsageException(name + " given twice");
            }
        }
        return new OpsArgs(Map.copyOf(values), Set.copyOf(on));
    }

    boolean help() {
        return switches.contains(HELP);
    }

    boolean has(String switchName) {
        return switches.contains(switchName);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }

    String require(String name) {
        return get(name).orElseThrow(() -> new OpsUsageException(name + " is required"));
    }

    int integer(String name, int min, int max) {
        String v = require(name);
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new OpsUsageException(name + " must be an integer, got '" + v + "'", e);
        }
        if (n < min || n > max) {
            throw new OpsUsageException(name + " must be in " + min + ".." + max + ", got " + v);
        }
        return n;
    }
}
