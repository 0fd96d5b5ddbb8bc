package dev.dmaudit.cli;

/** Process exit codes of the {@code dmaudit} command; stable, documented in README. */
public final class ExitCodes {
    /** Normal end: input consumed, count reached, timeout, SIGINT/SIGTERM. */
    public static final int OK = 0;
    /** Unexpected internal failure. */
    public static final int SOFTWARE = 1;
    /** Bad command line: unknown option, bad value. */
    public static final int USAGE = 2;
    /** Input could not be read (missing file, I/O error). */
    public static final int NO_INPUT = 3;
    /** Missing privilege: needs root or CAP_AUDIT_READ / CAP_AUDIT_CONTROL. */
    public static final int NO_PERMISSION = 4;
    /** The kernel has no audit support, or not in this network namespace. */
    public static final int AUDIT_UNSUPPORTED = 5;
    /** Daemon mode: another process holds the audit daemon slot. */
    public static final int DAEMON_SLOT_TAKEN = 6;
    /** An external tool (dmsetup, integritysetup) is not installed. */
    public static final int TOOL_MISSING = 7;
    /** An external tool ran and failed. */
    public static final int TOOL_FAILED = 8;
    /** An external tool did not finish in time. */
    public static final int TOOL_TIMEOUT = 9;
    /** A device name or path was refused before use. */
    public static final int BAD_NAME = 10;
    /** Output could not be written. */
    public static final int OUTPUT_ERROR = 11;
    /** decode: no line of the input was an audit record (wrong file?). */
    public static final int NO_RECORDS = 12;

    private ExitCodes() {
    }
}
