package dev.dmaudit.netlink;

import dev.dmaudit.os.Errno;
import dev.dmaudit.os.LibC;
import dev.dmaudit.os.ProcFiles;
import dev.dmaudit.os.SyscallException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The error and edge paths a live kernel does not produce on demand, against {@link FakeKernel}
 * (a Mockito {@link LibC}). fds: control socket 10, data socket 11.
 */
class AuditSocketErrnoTest {
    static final int CONTROL = 10;
    static final int DATA = 11;
    final FakeKernel k = new FakeKernel();

    private AuditSocket open(AuditSocket.Role mode, AuditSocketOptions o) {
        return AuditSocket.open(mode, o, k.libc);
    }

    private AuditSocket open(AuditSocket.Role mode) {
        return open(mode, AuditSocketOptions.defaults().withControlTimeout(200));
    }

    private static byte[] record(int type, String text) {
        return FakeKernel.message(type, 0, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void kernelWithoutAuditIsUnsupported() {
        k.failSocket(Errno.EPROTONOSUPPORT);
        assertThatThrownBy(() -> open(AuditSocket.Role.MULTICAST)).isInstanceOfSatisfying(SyscallException.class, e -> {
            assertThat(e.kind()).isEqualTo(SyscallException.Kind.UNSUPPORTED);
            assertThat(e.syscall()).isEqualTo("socket");
            assertThat(e.errnoName()).isEqualTo("EPROTONOSUPPORT");
            assertThat(e).hasMessageContaining("kernel built without audit");
        });
        assertThat(k.closed).contains(FakeKernel.WAKE_FD);
    }

    @Test
    void joinWithoutCapAuditReadNeedsRoot() {
        k.failSetsockopt(Errno.EPERM);
        assertThatThrownBy(() -> open(AuditSocket.Role.MULTICAST)).isInstanceOfSatisfying(SyscallException.class, e -> {
            assertThat(e.kind()).isEqualTo(SyscallException.Kind.PERMISSION);
            assertThat(e.syscall()).isEqualTo("setsockopt(NETLINK_ADD_MEMBERSHIP)");
            assertThat(e).hasMessageContaining("needs root or CAP_AUDIT_READ");
        });
        assertThat(k.closed).containsExactlyInAnyOrder(DATA, CONTROL, FakeKernel.WAKE_FD);
    }

    @Test
    void multicastWithoutCapAuditControlWorksWithoutTheLostCounter() {
        k.getErrno = Errno.EPERM;
        try (AuditSocket s = open(AuditSocket.Role.MULTICAST)) {
            assertThat(s.kernelLostDelta()).isEqualTo(-1);
            assertThatThrownBy(s::status).hasMessageContaining("needs root or CAP_AUDIT_CONTROL")
                    .extracting(e -> ((SyscallException) e).kind()).isEqualTo(SyscallException.Kind.PERMISSION);
        }
        assertThatThrownBy(() -> open(AuditSocket.Role.CONTROL)).isInstanceOf(SyscallException.class);
    }

    @Test
    void auditRefusedOutsideTheInitialNamespace() {
        k.getErrno = Errno.ECONNREFUSED;
        assertThatThrownBy(() -> open(AuditSocket.Role.DAEMON)).isInstanceOfSatisfying(SyscallException.class, e -> {
            assertThat(e.kind()).isEqualTo(SyscallException.Kind.NOT_INITIAL_NAMESPACE);
            assertThat(e.syscall()).isEqualTo("AUDIT_GET");
            assertThat(e).hasMessageContaining("initial user and network namespace");
        });
    }

    @Test
    void enobufsNonKernelSendersAndOversizeDatagramsAreCountedAndSkipped() {
        try (AuditSocket s = open(AuditSocket.Role.MULTICAST, AuditSocketOptions.defaults().withAcceptTypes(1338, 1339))) {
            k.queue(DATA, Errno.ENOBUFS);
            k.queue(DATA, new FakeKernel.Dgram(4242, record(1338, "forged")));
            k.queue(DATA, new FakeKernel.Dgram(0, new byte[s.maxDatagram() + 1]));
            k.queue(DATA, Errno.EINTR);
            byte[] good = record(1338, "module=integrity op=ctr");
            k.queue(DATA, new FakeKernel.Dgram(0, good));
            byte[] buf = new byte[s.maxDatagram()];
            assertThat(s.receive(buf, 100)).isEqualTo(good.length);
            assertThat(new String(buf, 16, good.length - 16, StandardCharsets.UTF_8)).isEqualTo("module=integrity op=ctr");
            assertThat(s.receive(buf, 0)).isEqualTo(AuditTransport.TIMEOUT);
            // A caller buffer smaller than the datagram: dropped as truncated, not cut.
            k.queue(DATA, new FakeKernel.Dgram(0, good));
            assertThat(s.receive(new byte[20], 0)).isEqualTo(AuditTransport.TIMEOUT);
            assertThat(new long[] {s.datagrams(), s.bytes(), s.enobufs(), s.nonKernelDropped(), s.truncated(), s.kernelLostDelta()})
                    .containsExactly(1, good.length, 1, 1, 2, 0);
        }
    }

    @Test
    void unexpectedRecvErrorIsTyped() {
        try (AuditSocket s = open(AuditSocket.Role.MULTICAST)) {
            k.failRecv(Errno.EBADF);
            assertThatThrownBy(() -> s.receive(new byte[100])).isInstanceOfSatisfying(SyscallException.class, e -> {
                assertThat(e.syscall()).isEqualTo("recvfrom");
                assertThat(e.errnoName()).isEqualTo("EBADF");
                assertThat(e.kind()).isEqualTo(SyscallException.Kind.OTHER);
                assertThat(e).hasMessageContaining("strerror 9");
            });
        }
    }

    @Test
    void takenDaemonSlotNamesTheHolderFromAuditGet() {
        int me = (int) ProcessHandle.current().pid();
        k.status = k.status.withPid(me);
        k.setErrno = mask -> mask == AuditStatus.MASK_PID ? Errno.EEXIST : 0;
        assertThatThrownBy(() -> open(AuditSocket.Role.DAEMON)).isInstanceOfSatisfying(DaemonSlotTakenException.class, e -> {
            assertThat(e.holderPid()).isEqualTo(me);
            assertThat(e.holderComm()).isEqualTo(ProcFiles.comm(me));
            assertThat(e).hasMessageContaining("pid " + me + " (" + ProcFiles.comm(me) + ")");
        });
        // Not registered, so nothing to unregister on the way out.
        assertThat(k.requests).noneMatch(r -> r[1] == 1001 && r[3] == AuditStatus.MASK_PID && r[5] == 0);
    }

    @Test
    void daemonModeRegistersThenUnregistersAndRestoresOnClose() {
        int me = (int) ProcessHandle.current().pid();
        AuditSocket s = open(AuditSocket.Role.DAEMON, AuditSocketOptions.defaults().withEnableAudit(true));
        assertThat(k.requests).anyMatch(r -> r[0] == DATA && r[1] == 1001 && r[3] == AuditStatus.MASK_PID && r[5] == me);
        assertThat(k.status.enabled()).isEqualTo(1);
        k.requests.clear();
        s.close();
        assertThat(k.requests).anyMatch(r -> r[1] == 1001 && r[3] == AuditStatus.MASK_PID && r[5] == 0);
        assertThat(k.requests).anyMatch(r -> r[1] == 1001 && r[3] == AuditStatus.MASK_ENABLED && r[4] == 0);
        assertThat(k.status.enabled()).isZero();
        assertThat(k.status.pid()).isZero();
        assertThat(s.receive(new byte[100])).isEqualTo(AuditTransport.CLOSED);
    }

    @Test
    void recordsArrivingBeforeTheRegistrationAckAreKept() {
        // The first datagram on the data socket is a record, then the ACK of AUDIT_SET pid.
        FakeKernel.Dgram early = new FakeKernel.Dgram(0, record(1339, "module=integrity op=integrity-checksum"));
        k.setErrno = mask -> {
            if (mask == AuditStatus.MASK_PID) {
                k.queue(DATA, early);
            }
            return 0;
        };
        try (AuditSocket s = open(AuditSocket.Role.DAEMON)) {
            byte[] buf = new byte[s.maxDatagram()];
            assertThat(s.receive(buf, 0)).isEqualTo(early.bytes().length);
            assertThat(buf[4] & 0xff | (buf[5] & 0xff) << 8).isEqualTo(1339);
        }
    }

    @Test
    void silentKernelTimesOut() {
        k.answerControl = false;
        assertThatThrownBy(() -> open(AuditSocket.Role.CONTROL, AuditSocketOptions.defaults().withControlTimeout(50)))
                .isInstanceOfSatisfying(SyscallException.class,
                        e -> assertThat(e.kind()).isEqualTo(SyscallException.Kind.TIMEOUT));
    }

    @Test
    void kernelLostDeltaWrapsAroundTheU32Counter() {
        k.status = new AuditStatus(11, 0, 1, 1, 0, 0, 64, 0xFFFFFFF0L, 0, 127, 15000, 0);
        try (AuditSocket s = open(AuditSocket.Role.MULTICAST)) {
            k.status = new AuditStatus(11, 0, 1, 1, 0, 0, 64, 0x10, 0, 127, 15000, 0);
            assertThat(s.kernelLostDelta()).isEqualTo(0x20);
        }
    }

    @Test
    void failedRestoreIsReportedAfterEverythingIsClosed() {
        AuditSocket s = open(AuditSocket.Role.CONTROL);
        s.setEnabled(true);
        k.setErrno = mask -> Errno.EPERM;
        assertThatThrownBy(s::close).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.syscall()).isEqualTo("AUDIT_SET enabled"));
        assertThat(k.closed).contains(CONTROL, FakeKernel.WAKE_FD);
    }
}
