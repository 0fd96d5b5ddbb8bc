package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Live-test helper: checks that this machine can run the live tests (root, kernel audit) and that
 * a test leaves the kernel's audit settings as it found them.
 */
final class LiveKernel {
    private LiveKernel() {
    }

    /** Skips (with the reason) unless root with a kernel that answers AUDIT_GET; returns the status. */
    static AuditStatus assumeAuditAvailable() {
        assumeTrue(NativeDir.effectiveUid() == 0, "live audit tests need root (CAP_AUDIT_CONTROL/READ/WRITE)");
        LibC libc = DirectLibC.get();
        int fd = libc.socket(NetlinkSocket.AF_NETLINK, NetlinkSocket.SOCK_RAW, NetlinkSocket.NETLINK_AUDIT);
        assumeTrue(fd >= 0 || libc.errno() != Errno.EPROTONOSUPPORT, "kernel built without audit (CONFIG_AUDIT)");
        if (fd >= 0) {
            libc.close(fd);
        }
        return settings();
    }

    /** @return the kernel's audit status now */
    static AuditStatus status() {
        try (AuditSocket c = AuditSocket.open(Mode.CONTROL, AuditSocketOptions.defaults())) {
            return c.status();
        }
    }

    /** @return the settings part of the status (counters zeroed) for before/after comparisons */
    static AuditStatus settings() {
        AuditStatus s = status();
        return new AuditStatus(s.fieldCount(), 0, s.enabled(), s.failure(), s.pid(), s.rateLimit(), s.backlogLimit(),
                0, 0, s.featureBitmap(), s.backlogWaitTime(), 0);
    }

    static void assertUnchanged(AuditStatus before) {
        assertThat(settings()).as("kernel audit settings after the test").isEqualTo(before);
    }
}
