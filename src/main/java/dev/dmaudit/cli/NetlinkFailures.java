package dev.dmaudit.cli;

import dev.dmaudit.netlink.NetlinkException;

/** Maps transport failures to one-line CLI failures with the documented exit codes. */
final class NetlinkFailures {
    private NetlinkFailures() {
    }

    /**
     * @param e a transport failure
     * @return the CLI failure: NO_PERMISSION, AUDIT_UNSUPPORTED, DAEMON_SLOT_TAKEN, else SOFTWARE
     */
    static CliFailure toCli(NetlinkException e) {
        int code = switch (e.kind()) {
            case PERMISSION -> ExitCodes.NO_PERMISSION;
            case UNSUPPORTED, NOT_INITIAL_NAMESPACE -> ExitCodes.AUDIT_UNSUPPORTED;
            case DAEMON_SLOT_TAKEN -> ExitCodes.DAEMON_SLOT_TAKEN;
            default -> ExitCodes.SOFTWARE;
        };
        return new CliFailure(code, e.getMessage(), e);
    }
}
