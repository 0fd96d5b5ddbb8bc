package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live-test helper: checks that this machine can run the live tests (root, kernel audit) and that
 * a test leaves the kernel's audit settings as it found them.
 */
final class LiveKernel {
    private LiveKernel() {
    }

    /**
     * For {@link dev.dmaudit.testing.Live} tests (which run only as root on an audit kernel).
     *
     * @return the kernel's audit settings now, to compare with after the test
     */
    static AuditStatus assumeAuditAvailable() {
        return settings();
    }

    /** @return the kernel's audit status now */
    static AuditStatus status() {
        try (AuditSocket c = AuditSocket.control(AuditSocketOptions.defaults())) {
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
