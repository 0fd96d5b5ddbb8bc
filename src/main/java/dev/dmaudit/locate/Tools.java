package dev.dmaudit.locate;

import dev.dmaudit.dm.CommandResult;
import dev.dmaudit.dm.CommandRunner;
import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.Tool;
import dev.dmaudit.dm.ToolFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The runs of the filesystem tools: argument lists, a timeout, stderr kept for the failure. */
final class Tools {
    private final CommandRunner runner;
    private final Duration timeout;
    private long runs;

    Tools(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /** @return how many tool processes were started (for the benchmark and tests) */
    synchronized long runs() {
        return runs;
    }

    /** Runs {@code tool args...}; a non-zero exit or a cut output is a failure. */
    String run(Tool tool, List<String> args) throws DmToolException {
        return runResult(tool, args).stdout();
    }

    /**
     * Runs {@code tool args...} and returns what it printed whatever its exit status (xfs_db exits
     * non-zero when {@code blockget} found an inconsistency, and still answers every later command);
     * only a cut output is a failure here.
     */
    CommandResult runAnyExit(Tool tool, List<String> args) throws DmToolException {
        CommandResult r = start(tool, args);
        if (r.stdoutTruncated()) {
            throw new ToolFailedException(tool.command(), args.isEmpty() ? "" : args.get(0), r.exitCode(),
                    "output too large");
        }
        return r;
    }

    private CommandResult start(Tool tool, List<String> args) throws DmToolException {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(tool.command());
        argv.addAll(args);
        synchronized (this) {
            runs++;
        }
        return runner.run(argv, timeout);
    }

    private CommandResult runResult(Tool tool, List<String> args) throws DmToolException {
        CommandResult r = start(tool, args);
        if (r.exitCode() != 0 || r.stdoutTruncated()) {
            throw new ToolFailedException(tool.command(), args.isEmpty() ? "" : args.get(0), r.exitCode(),
                    r.stdoutTruncated() ? "output too large" : r.stderr());
        }
        return r;
    }

    /**
     * {@code debugfs -f CMDFILE DEVICE}: many commands in one process, read-only (no -w). The
     * command file is private (0600) and removed afterwards. debugfs exits 0 also when a command
     * failed: its stderr says why, so the whole result is returned.
     */
    CommandResult debugfs(Path device, List<String> commands) throws DmToolException {
        Path cmd = null;
        try {
            cmd = Files.createTempFile("dmaudit-debugfs-", ".cmd");
            Files.writeString(cmd, String.join("\n", commands) + "\n", StandardCharsets.UTF_8);
            return runResult(Tool.DEBUGFS, List.of("-f", cmd.toString(), device.toString()));
        } catch (IOException e) {
            throw new DmToolException("cannot write the debugfs command file: " + e.getMessage(), e);
        } finally {
            if (cmd != null) {
                try {
                    Files.deleteIfExists(cmd);
                } catch (IOException e) {
                    // a leftover private temp file; nothing else to do
                }
            }
        }
    }
}
