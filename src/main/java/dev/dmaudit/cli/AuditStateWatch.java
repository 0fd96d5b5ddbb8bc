package dev.dmaudit.cli;

import dev.dmaudit.api.DmAuditListener;
import java.io.PrintWriter;

/**
 * Tells the user when the kernel's audit switch changes while we listen: turned off, no DM
 * records come (we keep listening); turned back on, they come again. Also reports a growing
 * ENOBUFS count, the one signal of records lost on our socket.
 */
final class AuditStateWatch {
    private final DmAuditListener listener;
    private final PrintWriter err;
    private Boolean lastEnabled;
    private long lastEnobufs;

    AuditStateWatch(DmAuditListener listener, PrintWriter err) {
        this.listener = listener;
        this.err = err;
        try {
            this.lastEnabled = listener.auditEnabled();
        } catch (RuntimeException e) {
            this.lastEnabled = null;
        }
    }

    /** @return whether it had something to report (the switch changed, or more ENOBUFS) */
    boolean check() {
        boolean reported = false;
        Boolean now;
        try {
            now = listener.auditEnabled();
        } catch (RuntimeException e) {
            return false; // status unreadable for a moment: say nothing rather than guess
        }
        if (now != null && !now.equals(lastEnabled)) {
            if (now) {
                err.println("dmaudit: kernel auditing was enabled again: DM records come again");
            } else {
                err.println("dmaudit: kernel auditing was disabled: no DM records will come until it is enabled "
                        + "(auditctl -e 1); still listening");
            }
            err.flush();
            lastEnabled = now;
            reported = true;
        }
        long enobufs = listener.metrics().enobufs();
        if (enobufs > lastEnobufs) {
            err.println("dmaudit: the kernel could not queue records for us (ENOBUFS, " + enobufs
                    + " so far): records were lost; raise --receive-buffer");
            err.flush();
            lastEnobufs = enobufs;
            reported = true;
        }
        return reported;
    }
}
