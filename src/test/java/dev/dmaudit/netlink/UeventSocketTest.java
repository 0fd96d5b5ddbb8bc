package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;

import com.sun.jna.Pointer;
import dev.dmaudit.os.Errno;
import dev.dmaudit.os.SyscallException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Error paths of the uevent socket the real kernel cannot produce on demand (scripted libc). */
class UeventSocketTest {
    final FakeKernel k = new FakeKernel();

    @Test
    void kernelWithoutUeventNetlinkIsATypedFailureNamingTheSyscall() {
        k.failSocket(Errno.EPROTONOSUPPORT);
        assertThatThrownBy(() -> UeventSocket.open(k.libc, 0)).isInstanceOfSatisfying(SyscallException.class, e -> {
            assertThat(e.syscall()).isEqualTo("socket");
            assertThat(e.errnoName()).isEqualTo("EPROTONOSUPPORT");
        });
    }

    @Test
    void failedBindClosesTheSocket() {
        doAnswer(i -> -Errno.EPERM).when(k.libc).bind(anyInt(), any(), anyInt());
        assertThatThrownBy(() -> UeventSocket.open(k.libc, 0)).isInstanceOfSatisfying(SyscallException.class, e -> {
            assertThat(e.syscall()).isEqualTo("bind");
            assertThat(e.kind()).isEqualTo(SyscallException.Kind.PERMISSION);
        });
        assertThat(k.closed).containsExactly(10);
    }

    @Test
    void nonKernelSendersOversizeAndEnobufsAreCountedAndSkipped() {
        try (UeventSocket s = UeventSocket.open(k.libc, 1 << 20)) {
            int fd = s.fd();
            byte[] good = "change@/devices/virtual/block/dm-0\0ACTION=change\0".getBytes(StandardCharsets.US_ASCII);
            k.queue(fd, Errno.ENOBUFS);
            k.queue(fd, new FakeKernel.Dgram(4242, good));                        // forged by a process
            k.queue(fd, new FakeKernel.Dgram(0, new byte[UeventSocket.MAX_DATAGRAM + 1]));
            k.queue(fd, Errno.EINTR);
            k.queue(fd, new FakeKernel.Dgram(0, good));
            byte[] buf = new byte[UeventSocket.MAX_DATAGRAM];
            assertThat(s.receive(buf)).isEqualTo(good.length);
            assertThat(s.receive(buf)).isZero(); // nothing queued: never blocks
            assertThat(new long[] {s.datagrams(), s.enobufs(), s.nonKernelDropped(), s.truncated()}).containsExactly(1, 1, 1, 1);
        }
    }

    @Test
    void unexpectedRecvErrorIsTypedAndClosedSocketSaysSo() {
        UeventSocket s = UeventSocket.open(k.libc, 0);
        k.failRecv(Errno.EBADF);
        assertThatThrownBy(() -> s.receive(new byte[100])).isInstanceOfSatisfying(SyscallException.class, e -> {
            assertThat(e.syscall()).isEqualTo("recvfrom");
            assertThat(e.errnoName()).isEqualTo("EBADF");
        });
        s.close();
        s.close();
        assertThat(s.receive(new byte[100])).isEqualTo(-1);
        assertThat(k.closed).containsExactly(s.fd());
    }

    /** The audit reader's wait ends when the uevent socket becomes readable: one thread serves both. */
    @Test
    void auditReceiveReturnsEarlyWhenTheOtherSocketIsReadable() {
        try (AuditSocket a = AuditSocket.open(AuditSocket.Role.MULTICAST, AuditSocketOptions.defaults().withControlTimeout(200), k.libc);
             UeventSocket u = UeventSocket.open(k.libc, 0)) {
            a.wakeAlsoOn(u.fd());
            int[] nfds = new int[1];
            doAnswer(i -> {
                Pointer p = i.getArgument(0);
                nfds[0] = (int) (long) i.getArgument(1);
                p.setShort(6, (short) 0);
                p.setShort(14, (short) 0);
                boolean other = nfds[0] == 3 && p.getInt(16) == u.fd();
                p.setShort(22, (short) (other ? 1 : 0));
                return other ? 1 : 0;
            }).when(k.libc).poll(any(), anyLong(), anyInt());
            assertThat(a.receive(new byte[a.maxDatagram()], -1)).isEqualTo(AuditTransport.TIMEOUT);
            assertThat(nfds[0]).isEqualTo(3);
        }
    }
}
