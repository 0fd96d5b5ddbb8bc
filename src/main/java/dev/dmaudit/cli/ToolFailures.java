package dev.dmaudit.cli;

import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.InvalidDeviceNameException;
import dev.dmaudit.dm.ToolFailedException;
import dev.dmaudit.dm.ToolMissingException;
import dev.dmaudit.dm.ToolTimeoutException;
import java.util.function.Supplier;

/** Maps the dm package's exceptions to one-line CLI failures with distinct exit codes. */
final class ToolFailures {
    /** What libdevmapper prints when /dev/mapper/control has no driver behind it. */
    static final String NO_DRIVER = "Failure to communicate with kernel device-mapper driver";
    /** The kernel view the no-driver diagnosis reads; tests point it at a fake tree. */
    static Supplier<DmAuditVerdict.Host> host = DmAuditVerdict.Host::system;

    private ToolFailures() {
    }

    /**
     * @param e a tool failure (its message is already free of key material)
     * @return the failure to throw from a command
     */
    static CliFailure of(DmToolException e) {
        if (e instanceof ToolFailedException f && f.stderr() != null && f.stderr().contains(NO_DRIVER)) {
            return noDriver(f);
        }
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

    /** dmsetup's five lines (and its misleading "Incompatible libdevmapper") become one reason. */
    private static CliFailure noDriver(ToolFailedException f) {
        String msg = f.getMessage();
        int cut = msg.indexOf(" failed");
        String what = cut > 0 ? msg.substring(0, cut) : f.tool();
        DmAuditVerdict.Host h = host.get();
        String why = DmAuditVerdict.deviceMapperProblem(h, DmAuditVerdict.KernelConfig.read(h));
        return new CliFailure(ExitCodes.TOOL_FAILED, what + " failed: " + (why == null || why.startsWith("?")
                ? "the kernel's device-mapper driver does not answer (/dev/mapper/control: No such device)" : why), f);
    }
}
