package dev.dmaudit.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.netlink.DaemonSlotTakenException;
import dev.dmaudit.os.SyscallException;
import org.junit.jupiter.api.Test;

/** The transport's errno failures reach an embedder as DmAuditException kinds, message kept. */
class FailuresTest {
    @Test
    void errnoKindsBecomeApiKinds() {
        DmAuditException perm = Failures.of(SyscallException.forErrno("bind", 1, "Operation not permitted", "CAP_AUDIT_READ"));
        assertThat(perm.kind()).isEqualTo(DmAuditException.Kind.PERMISSION);
        assertThat(perm.errnoName()).isEqualTo("EPERM");
        assertThat(perm).hasMessageContaining("bind: EPERM").hasMessageContaining("CAP_AUDIT_READ");
        assertThat(Failures.of(SyscallException.forErrno("socket", 93, null, "x")).kind())
                .isEqualTo(DmAuditException.Kind.UNSUPPORTED);
        assertThat(Failures.of(SyscallException.forErrno("AUDIT_GET", 111, null, "x")).kind())
                .isEqualTo(DmAuditException.Kind.NOT_INITIAL_NAMESPACE);
        DmAuditException taken = Failures.of(new DaemonSlotTakenException(812, "auditd"));
        assertThat(taken.kind()).isEqualTo(DmAuditException.Kind.DAEMON_SLOT_TAKEN);
        assertThat(taken).hasMessageContaining("pid 812 (auditd)");
        assertThat(Failures.of(SyscallException.forErrno("recvfrom", 9, null, "x")).kind())
                .isEqualTo(DmAuditException.Kind.OTHER);
    }
}
