package dev.dmaudit.api;

import dev.dmaudit.netlink.AuditSocket;
import dev.dmaudit.netlink.AuditSocketOptions;
import dev.dmaudit.netlink.AuditStatus;
import dev.dmaudit.os.Capabilities;
import dev.dmaudit.os.SyscallException;
import dev.dmaudit.os.ProcFiles;
import java.util.OptionalLong;

/** The kernel's audit state and this process's standing, for health checks ({@code dmaudit status}). */
public final class KernelAudit {
    private KernelAudit() {
    }

    /**
     * What AUDIT_GET and /proc say. Fields the running kernel's {@code audit_status} is too short to
     * carry are empty; what this process cannot tell is null.
     *
     * @param enabled               0 off, 1 on, 2 on and locked
     * @param failure               the failure mode (0 silent, 1 printk, 2 panic)
     * @param pid                   the registered audit daemon, 0 when none
     * @param daemonComm            that daemon's command name, or null
     * @param rateLimit             records/s, 0 for none
     * @param backlogLimit          the kernel queue limit
     * @param lost                  records the kernel dropped from its own queues (not multicast loss)
     * @param backlog               records queued now
     * @param featureBitmap         AUDIT_FEATURE_BITMAP_*, when reported
     * @param backlogWaitTime       how long a task waits on a full backlog (jiffies), when reported
     * @param backlogWaitTimeActual total time tasks waited, when reported
     * @param capAuditRead          whether this process has CAP_AUDIT_READ, or null when unknown
     * @param capAuditControl       whether this process has CAP_AUDIT_CONTROL, or null when unknown
     * @param initialNetNamespace   whether this process is in the initial network namespace (multicast works), or null
     */
    public record Status(int enabled, int failure, int pid, String daemonComm, int rateLimit, int backlogLimit,
                         long lost, long backlog, OptionalLong featureBitmap, OptionalLong backlogWaitTime,
                         OptionalLong backlogWaitTimeActual, Boolean capAuditRead, Boolean capAuditControl,
                         Boolean initialNetNamespace) {
        /** @return whether the kernel emits records now */
        public boolean auditEnabled() {
            return enabled != 0;
        }
    }

    /**
     * @return the kernel's audit status and our standing
     * @throws DmAuditException of kind PERMISSION without CAP_AUDIT_CONTROL, UNSUPPORTED without audit
     */
    public static Status read() {
        AuditStatus s;
        try (AuditSocket c = AuditSocket.control(AuditSocketOptions.defaults())) {
            s = c.status();
        } catch (SyscallException e) {
            throw Failures.of(e);
        }
        return of(s, s.pid() == 0 ? null : ProcFiles.comm(s.pid()), Capabilities.current(), ProcFiles.inInitialNetNamespace());
    }

    static Status of(AuditStatus s, String daemonComm, Capabilities caps, Boolean initialNetNamespace) {
        return new Status(s.enabled(), s.failure(), s.pid(), daemonComm, s.rateLimit(), s.backlogLimit(),
                s.lost(), Integer.toUnsignedLong(s.backlog()),
                field(s, AuditStatus.FIELD_FEATURE_BITMAP, Integer.toUnsignedLong(s.featureBitmap())),
                field(s, AuditStatus.FIELD_BACKLOG_WAIT_TIME, Integer.toUnsignedLong(s.backlogWaitTime())),
                field(s, AuditStatus.FIELD_BACKLOG_WAIT_TIME_ACTUAL, s.backlogWaitTimeActual()),
                caps.known() ? caps.has(Capabilities.CAP_AUDIT_READ) : null,
                caps.known() ? caps.has(Capabilities.CAP_AUDIT_CONTROL) : null, initialNetNamespace);
    }

    private static OptionalLong field(AuditStatus s, int field, long value) {
        return s.has(field) ? OptionalLong.of(value) : OptionalLong.empty();
    }
}
