package dev.dmaudit.dm;

/** The tool ran and exited with a non-zero status. The stderr kept here is already redacted. */
public final class ToolFailedException extends DmToolException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DETAIL = 400;
    private final String tool;
    private final int exitCode;
    private final String stderr;

    /**
     * @param tool     command name
     * @param action   the tool's action, e.g. {@code table}
     * @param exitCode the tool's exit status
     * @param stderr   the tool's stderr; key-like material is redacted here
     */
    public ToolFailedException(String tool, String action, int exitCode, String stderr) {
        super(tool + " " + action + " failed (exit " + exitCode + ")"
                + detail(KeyRedactor.redactFreeText(stderr)));
        this.tool = tool;
        this.exitCode = exitCode;
        this.stderr = KeyRedactor.redactFreeText(stderr);
    }

    /** @return the command name */
    public String tool() {
        return tool;
    }

    /** @return the tool's exit status */
    public int exitCode() {
        return exitCode;
    }

    /** @return the tool's stderr, redacted, possibly several lines */
    public String stderr() {
        return stderr;
    }

    /** Joins stderr lines so the message stays one line; control characters become '?'. */
    private static String detail(String stderr) {
        String joined = String.join("; ", stderr.strip().lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList());
        if (joined.isEmpty()) {
            return "";
        }
        joined = joined.replaceAll("\\p{Cntrl}", "?");
        if (joined.length() > MAX_DETAIL) {
            joined = joined.substring(0, MAX_DETAIL) + "...";
        }
        return ": " + joined;
    }
}
