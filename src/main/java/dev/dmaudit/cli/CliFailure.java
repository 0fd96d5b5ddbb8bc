package dev.dmaudit.cli;

/** A command failure to report as one line with a specific exit code (see {@link ExitCodes}). */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    /**
     * @param exitCode the process exit code
     * @param message  the one-line message, without the "dmaudit: " prefix
     */
    public CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * @param exitCode the process exit code
     * @param message  the one-line message
     * @param cause    the underlying failure
     */
    public CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** @return the process exit code */
    public int exitCode() {
        return exitCode;
    }
}
