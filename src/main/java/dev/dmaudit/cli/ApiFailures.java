package dev.dmaudit.cli;

import dev.dmaudit.api.DmAuditException;

/** Maps library failures to one-line CLI failures with the documented exit codes. */
final class ApiFailures {
    private ApiFailures() {
    }

    /**
     * @param e a library failure
     * @return the CLI failure: NO_PERMISSION, AUDIT_UNSUPPORTED, DAEMON_SLOT_TAKEN, else SOFTWARE
     */
    static CliFailure toCli(DmAuditException e) {
        int code = switch (e.kind()) {
            case PERMISSION -> ExitCodes.NO_PERMISSION;
            case UNSUPPORTED, NOT_INITIAL_NAMESPACE -> ExitCodes.AUDIT_UNSUPPORTED;
            case DAEMON_SLOT_TAKEN -> ExitCodes.DAEMON_SLOT_TAKEN;
            case OTHER -> ExitCodes.SOFTWARE;
        };
        return new CliFailure(code, e.getMessage(), e);
    }
}
