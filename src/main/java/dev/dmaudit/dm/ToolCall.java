package dev.dmaudit.dm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One run of a known tool, shared by {@link DmSetup} and {@link IntegritySetup}. */
final class ToolCall {
    private ToolCall() {
    }

    /**
     * Runs {@code tool action args...} and returns its result whatever the exit status, but never a
     * cut output.
     */
    static CommandResult run(CommandRunner runner, Tool tool, Duration timeout, String action,
                             List<String> args) throws DmToolException {
        List<String> argv = new ArrayList<>(args.size() + 2);
        argv.add(tool.command());
        argv.add(action);
        argv.addAll(args);
        CommandResult r = runner.run(argv, timeout);
        if (r.stdoutTruncated()) {
            throw new ToolOutputTooLargeException(tool.command(), action, r.stdout().length());
        }
        return r;
    }

    /** Like {@link #run}, and a non-zero exit status is a {@link ToolFailedException}. */
    static CommandResult runOk(CommandRunner runner, Tool tool, Duration timeout, String action,
                               List<String> args) throws DmToolException {
        CommandResult r = run(runner, tool, timeout, action, args);
        if (r.exitCode() != 0) {
            throw new ToolFailedException(tool.command(), action, r.exitCode(), r.stderr());
        }
        return r;
    }
}
