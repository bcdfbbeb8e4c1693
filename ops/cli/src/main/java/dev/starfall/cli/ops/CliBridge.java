package dev.starfall.cli.ops;

import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

/**
 * Adapts an {@link OpsCommand} to the dispatcher's package-private {@code dev.starfall.cli.Command}
 * interface, so that registering one only takes a line in {@code Starfall}'s command table:
 * {@code (Command) CliBridge.of(new ResetCommand())}. The two interfaces have the same methods.
 * (If {@code Command} becomes public, ops commands can implement it directly and this goes away.)
 */
public final class CliBridge {

    private static final String COMMAND_INTERFACE = "dev.starfall.cli.Command";

    private CliBridge() {
    }

    /** A {@code dev.starfall.cli.Command} that delegates to {@code command}. */
    public static Object of(OpsCommand command) {
        Class<?> iface;
        try {
            iface = Class.forName(COMMAND_INTERFACE);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("dispatcher interface " + COMMAND_INTERFACE + " not found", e);
        }
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "name":
                    return command.name();
                case "summary":
                    return command.summary();
                case "usage":
                    return command.usage();
                case "run":
                    return run(command, args);
                case "toString":
                    return "starfall " + command.name();
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    throw new UnsupportedOperationException(method.toString());
            }
        };
        return Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler);
    }

    @SuppressWarnings("unchecked")
    private static Object run(OpsCommand command, Object[] args) throws Exception {
        try {
            return command.run((List<String>) args[0], (Map<String, String>) args[1], (PrintStream) args[2], (PrintStream) args[3]);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
