package dev.dmaudit.cli;

import dev.dmaudit.sink.Sanitize;

import picocli.CommandLine;

/**
 * Failures while a command runs: one line on stderr and a distinct exit code. A {@link CliFailure}
 * carries its own code; anything else is an internal error (exit 1) whose stack trace is shown only
 * with DMAUDIT_DEBUG=1.
 */
final class OneLineExecutionErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parse) {
        int code = ex instanceof CliFailure f ? f.exitCode() : ExitCodes.SOFTWARE;
        String msg = ex instanceof CliFailure ? ex.getMessage() : "internal error: " + ex;
        if (msg != null && !msg.isEmpty()) { // an empty message is a quiet end (a closed pipe)
            cmd.getErr().println("dmaudit: " + Sanitize.oneLine(msg));
        }
        if (System.getenv("DMAUDIT_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return code;
    }
}
