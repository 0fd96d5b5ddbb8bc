package dev.dmaudit.os;

import dev.dmaudit.netlink.DaemonSlotTakenException;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyscallExceptionTest {
    @Test
    void errnoNamesForTheCommonErrors() {
        assertThat(Errno.name(1)).isEqualTo("EPERM");
        assertThat(Errno.name(17)).isEqualTo("EEXIST");
        assertThat(Errno.name(93)).isEqualTo("EPROTONOSUPPORT");
        assertThat(Errno.name(105)).isEqualTo("ENOBUFS");
        assertThat(Errno.name(111)).isEqualTo("ECONNREFUSED");
        assertThat(Errno.name(999)).isEqualTo("E999");
        assertThat(Errno.name(0)).isEqualTo("E0");
    }

    @Test
    void kindsAndHints() {
        SyscallException perm = SyscallException.forErrno("setsockopt(NETLINK_ADD_MEMBERSHIP)", 1,
                "Operation not permitted", "CAP_AUDIT_READ");
        assertThat(perm.kind()).isEqualTo(SyscallException.Kind.PERMISSION);
        assertThat(perm.syscall()).isEqualTo("setsockopt(NETLINK_ADD_MEMBERSHIP)");
        assertThat(perm.errnoName()).isEqualTo("EPERM");
        assertThat(perm).hasMessage("setsockopt(NETLINK_ADD_MEMBERSHIP): EPERM (Operation not permitted): "
                + "needs root or CAP_AUDIT_READ");
        assertThat(SyscallException.forErrno("socket", 93, null, "x"))
                .hasMessage("socket: EPROTONOSUPPORT: kernel built without audit (CONFIG_AUDIT)")
                .extracting(SyscallException::kind).isEqualTo(SyscallException.Kind.UNSUPPORTED);
        assertThat(SyscallException.forErrno("AUDIT_GET", 111, null, "x").kind())
                .isEqualTo(SyscallException.Kind.NOT_INITIAL_NAMESPACE);
        assertThat(SyscallException.forErrno("AUDIT_SET pid", 17, null, "x").kind())
                .isEqualTo(SyscallException.Kind.DAEMON_SLOT_TAKEN);
        assertThat(SyscallException.forErrno("bind", 17, null, "x").kind()).isEqualTo(SyscallException.Kind.OTHER);
        assertThat(SyscallException.forErrno("recvfrom", 105, null, "x").kind()).isEqualTo(SyscallException.Kind.NO_BUFFER);
        assertThat(new SyscallException(SyscallException.Kind.TIMEOUT, "AUDIT_GET", 0, "m").errnoName()).isEmpty();
    }

    @Test
    void daemonSlotTakenNamesTheHolder() {
        DaemonSlotTakenException e = new DaemonSlotTakenException(812, "auditd");
        assertThat(e).hasMessageContaining("pid 812 (auditd)");
        assertThat(e.errnoName()).isEqualTo("EEXIST");
        assertThat(new DaemonSlotTakenException(0, null)).hasMessageContaining("another process");
    }
}
