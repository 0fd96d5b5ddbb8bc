package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetlinkExceptionTest {
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
        NetlinkException perm = NetlinkException.forErrno("setsockopt(NETLINK_ADD_MEMBERSHIP)", 1,
                "Operation not permitted", "CAP_AUDIT_READ");
        assertThat(perm.kind()).isEqualTo(NetlinkException.Kind.PERMISSION);
        assertThat(perm.syscall()).isEqualTo("setsockopt(NETLINK_ADD_MEMBERSHIP)");
        assertThat(perm.errnoName()).isEqualTo("EPERM");
        assertThat(perm).hasMessage("setsockopt(NETLINK_ADD_MEMBERSHIP): EPERM (Operation not permitted): "
                + "needs root or CAP_AUDIT_READ");
        assertThat(NetlinkException.forErrno("socket", 93, null, "x"))
                .hasMessage("socket: EPROTONOSUPPORT: kernel built without audit (CONFIG_AUDIT)")
                .extracting(NetlinkException::kind).isEqualTo(NetlinkException.Kind.UNSUPPORTED);
        assertThat(NetlinkException.forErrno("AUDIT_GET", 111, null, "x").kind())
                .isEqualTo(NetlinkException.Kind.NOT_INITIAL_NAMESPACE);
        assertThat(NetlinkException.forErrno("AUDIT_SET pid", 17, null, "x").kind())
                .isEqualTo(NetlinkException.Kind.DAEMON_SLOT_TAKEN);
        assertThat(NetlinkException.forErrno("bind", 17, null, "x").kind()).isEqualTo(NetlinkException.Kind.OTHER);
        assertThat(NetlinkException.forErrno("recvfrom", 105, null, "x").kind()).isEqualTo(NetlinkException.Kind.NO_BUFFER);
        assertThat(new NetlinkException(NetlinkException.Kind.TIMEOUT, "AUDIT_GET", 0, "m").errnoName()).isEmpty();
    }

    @Test
    void daemonSlotTakenNamesTheHolder() {
        DaemonSlotTakenException e = new DaemonSlotTakenException(812, "auditd");
        assertThat(e).hasMessageContaining("pid 812 (auditd)");
        assertThat(e.errnoName()).isEqualTo("EEXIST");
        assertThat(new DaemonSlotTakenException(0, null)).hasMessageContaining("another process");
    }
}
