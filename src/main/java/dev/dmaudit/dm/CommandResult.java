package dev.dmaudit.dm;

import java.util.List;

/**
 * Outcome of one command run. {@link #toString()} shows sizes, not contents, because the output of
 * {@code dmsetup table} may hold key material.
 *
 * @param argv             the argument list that ran
 * @param exitCode         the exit status
 * @param stdout           captured standard output (UTF-8, possibly cut at the cap)
 * @param stderr           captured standard error (UTF-8, possibly cut at the cap)
 * @param stdoutTruncated  whether standard output went past the cap
 * @param stderrTruncated  whether standard error went past the cap
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr,
                            boolean stdoutTruncated, boolean stderrTruncated) {

    /** Copies argv so the record stays immutable. */
    public CommandResult {
        argv = List.copyOf(argv);
    }

    /**
     * A result that was not truncated; handy for tests and mocks.
     *
     * @param argv     the argument list
     * @param exitCode the exit status
     * @param stdout   standard output
     * @param stderr   standard error
     * @return the result
     */
    public static CommandResult of(List<String> argv, int exitCode, String stdout, String stderr) {
        return new CommandResult(argv, exitCode, stdout, stderr, false, false);
    }

    @Override
    public String toString() {
        return "CommandResult[argv=" + argv + ", exitCode=" + exitCode
                + ", stdout=" + stdout.length() + " chars" + (stdoutTruncated ? " (truncated)" : "")
                + ", stderr=" + stderr.length() + " chars" + (stderrTruncated ? " (truncated)" : "") + "]";
    }
}
