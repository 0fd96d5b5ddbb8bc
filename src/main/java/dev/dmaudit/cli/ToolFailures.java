package dev.dmaudit.cli;

import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.InvalidDeviceNameException;
import dev.dmaudit.dm.ToolMissingException;
import dev.dmaudit.dm.ToolTimeoutException;

/** Maps the dm package's exceptions to one-line CLI failures with distinct exit codes. */
final class ToolFailures {
    private ToolFailures() {
    }

    /**
     * @param e a tool failure (its message is already free of key material)
     * @return the failure to throw from a command
     */
    static CliFailure of(DmToolException e) {
        int code;
        if (e instanceof ToolMissingException) {
            code = ExitCodes.TOOL_MISSING;
        } else if (e instanceof ToolTimeoutException) {
            code = ExitCodes.TOOL_TIMEOUT;
        } else if (e instanceof InvalidDeviceNameException) {
            code = ExitCodes.BAD_NAME;
        } else {
            code = ExitCodes.TOOL_FAILED;
        }
        return new CliFailure(code, e.getMessage(), e);
    }
}
