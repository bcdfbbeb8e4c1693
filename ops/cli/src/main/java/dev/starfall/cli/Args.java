package dev.starfall.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --name value} (or {@code --name=value}) options and {@code --switch} flags of one
 * subcommand; {@code --help} is always accepted. Unknown or repeated options are usage errors.
 */
final class Args {

    static final String HELP = "--help";

    private final Map<String, String> values;
    private final Set<String> switches;

    private Args(Map<String, String> values, Set<String> switches) {
        this.values = values;
        this.switches = switches;
    }

    static Args parse(List<String> args, Set<String> options, Set<String> switchNames) {
        Map<String, String> values = new LinkedHashMap<>();
        java.util.Set<String> on = new java.util.LinkedHashSet<>();
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

    boolean help() {
        return switches.contains(HELP);
    }

    boolean has(String switchName) {
        return switches.contains(switchName);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException(name + " is required");
        }
        return v;
    }

    Path requirePath(String name) {
        return Path.of(require(name));
    }

    Map<String, String> values() {
        return values;
    }
}
