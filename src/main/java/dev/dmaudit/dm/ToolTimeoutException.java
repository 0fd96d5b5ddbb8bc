package dev.dmaudit.dm;

import java.time.Duration;

/** The tool did not finish in time; its whole process tree has been killed. */
public final class ToolTimeoutException extends DmToolException {
    private static final long serialVersionUID = 1L;
    private final String tool;
    private final Duration timeout;

    /**
     * @param tool    command name
     * @param timeout the limit that was exceeded
     */
    public ToolTimeoutException(String tool, Duration timeout) {
        super(tool + " did not finish within " + timeout.toMillis() + " ms and was killed");
        this.tool = tool;
        this.timeout = timeout;
    }

    /** @return the command name */
    public String tool() {
        return tool;
    }

    /** @return the limit that was exceeded */
    public Duration timeout() {
        return timeout;
    }
}
