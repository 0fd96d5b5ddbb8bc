package dev.dmaudit.cli;

import dev.dmaudit.sink.Sanitize;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.text.MessageFormat;

/**
 * Makes the JDK logger's records (the library logs through {@link System.Logger}, which the JDK
 * hands to java.util.logging) print as the CLI's other diagnostics do: one line,
 * {@code dmaudit: warning: MESSAGE}, instead of the JDK's two-line date/class/level format.
 *
 * <p>The root handlers get a {@code java.util.logging.Filter} that prints the line itself and
 * lets nothing through to the handler's own format. It is reached by reflection because the module
 * does not declare java.logging: embedders keep whatever logging they configured, only the CLI
 * installs this.
 */
final class OneLineLogging {
    private OneLineLogging() {
    }

    /**
     * Installs the one-line format on the root logger's handlers.
     *
     * @param err where the lines go (stderr)
     * @return true when installed; false when java.util.logging is absent (the JDK's format stays)
     */
    static boolean install(PrintStream err) {
        try {
            Class<?> loggerClass = Class.forName("java.util.logging.Logger");
            Class<?> filterClass = Class.forName("java.util.logging.Filter");
            Object root = loggerClass.getMethod("getLogger", String.class).invoke(null, "");
            Object filter = Proxy.newProxyInstance(OneLineLogging.class.getClassLoader(), new Class<?>[] {filterClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "isLoggable" -> {
                            err.println(line(args[0]));
                            err.flush();
                            yield false;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "OneLineLogging";
                    });
            for (Object h : (Object[]) loggerClass.getMethod("getHandlers").invoke(root)) {
                h.getClass().getMethod("setFilter", filterClass).invoke(h, filter);
            }
            return true;
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return false;
        }
    }

    /** One line for a java.util.logging.LogRecord, read through its public getters. */
    private static String line(Object record) throws ReflectiveOperationException {
        Class<?> c = record.getClass();
        Object level = c.getMethod("getLevel").invoke(record);
        String levelName = level == null ? "" : (String) level.getClass().getMethod("getName").invoke(level);
        return line(levelName, (String) c.getMethod("getMessage").invoke(record),
                (Object[]) c.getMethod("getParameters").invoke(record), (Throwable) c.getMethod("getThrown").invoke(record));
    }

    /**
     * @param level  the JUL level name (SEVERE, WARNING, INFO, ...)
     * @param msg    the message, possibly a {@link MessageFormat} pattern
     * @param params its parameters, or null
     * @param thrown an attached exception, or null
     * @return {@code dmaudit: warning: MESSAGE[: EXCEPTION]} on one line (error: for SEVERE, no tag
     *         below WARNING)
     */
    static String line(String level, String msg, Object[] params, Throwable thrown) {
        String text = msg == null ? "" : msg;
        if (params != null && params.length > 0 && text.contains("{")) {
            try {
                text = MessageFormat.format(text, params);
            } catch (IllegalArgumentException e) {
                // not a pattern after all: print it as it is
            }
        }
        if (text.startsWith("dmaudit: ")) {
            text = text.substring("dmaudit: ".length());
        }
        if (thrown != null && !text.contains(String.valueOf(thrown.getMessage()))) {
            text += (text.isEmpty() ? "" : ": ") + thrown;
        }
        String tag = switch (level) {
            case "SEVERE" -> "error: ";
            case "WARNING" -> "warning: ";
            default -> "";
        };
        return "dmaudit: " + tag + Sanitize.oneLine(text);
    }
}
