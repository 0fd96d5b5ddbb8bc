package dev.dmaudit.cli;

import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.api.Mode;
import java.io.IOException;
import java.io.PrintWriter;

/** Turns transport failures into one-line messages with distinct exit codes. */
final class ListenFailures {
    private ListenFailures() {
    }

    static CliFailure toCliFailure(IOException e, Mode mode) {
        return new CliFailure(ExitCodes.SOFTWARE, "cannot open the audit socket: " + e.getMessage(), e);
    }

    static void warnIfAuditDisabled(DmAuditListener listener, PrintWriter err, boolean enableAudit) {
        // filled in with the transport's AUDIT_GET
    }
}
