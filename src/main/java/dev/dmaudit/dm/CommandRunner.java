package dev.dmaudit.dm;

import java.time.Duration;
import java.util.List;

/**
 * Runs one external command from an argument list (never through a shell). An interface so the
 * parsers can be tested with recorded outputs instead of the real tools.
 */
public interface CommandRunner {

    /**
     * Runs a command to completion.
     *
     * @param argv    program name or path, then its arguments
     * @param timeout the longest the command may run; then its process tree is killed
     * @return exit status and captured output, also when the exit status is non-zero
     * @throws ToolMissingException when the program is not installed
     * @throws ToolTimeoutException when the timeout passed
     * @throws DmToolException      on any other failure to run the program
     */
    CommandResult run(List<String> argv, Duration timeout) throws DmToolException;
}
