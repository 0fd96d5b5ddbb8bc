package dev.dmaudit.cli;

import dev.dmaudit.sink.Sanitize;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Bad command lines: one clear line on stderr, a hint to --help, and the usage exit code. */
final class OneLineUsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("dmaudit: " + Sanitize.oneLine(ex.getMessage()));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
