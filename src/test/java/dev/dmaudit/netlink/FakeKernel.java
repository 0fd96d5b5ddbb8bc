package dev.dmaudit.netlink;

import dev.dmaudit.os.Errno;
import dev.dmaudit.os.LibC;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.mock;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * A scripted kernel behind a Mockito {@link LibC}: sockets get fds from 10 up, AUDIT_GET is
 * answered with {@link #status} (ACK first, as 6.x does), AUDIT_SET with an ACK or the errno
 * {@link #setErrno} gives, and each fd has a queue of datagrams or errnos for recvfrom.
 */
final class FakeKernel {
    static final int WAKE_FD = 99;

    final LibC libc = mock(LibC.class);
    final Map<Integer, ArrayDeque<Object>> queues = new HashMap<>();
    final List<int[]> requests = new ArrayList<>(); // {fd, type, seq, payload field 0 (mask), field 1, field 3}
    final List<Integer> closed = new ArrayList<>();
    AuditStatus status = new AuditStatus(11, 0, 0, 1, 0, 0, 64, 0, 0, 127, 15000, 0);
    /** errno for AUDIT_SET by mask (0 = ACK). */
    IntUnaryOperator setErrno = mask -> 0;
    /** errno for AUDIT_GET (0 = answer). */
    int getErrno;
    boolean answerControl = true;
    private int nextFd = 10;

    /** A datagram from a sender port. */
    record Dgram(int sender, byte[] bytes) {
    }

    FakeKernel() {
        lenient().when(libc.socket(anyInt(), anyInt(), anyInt())).thenAnswer(i -> {
            int fd = nextFd++;
            queues.put(fd, new ArrayDeque<>());
            return fd;
        });
        lenient().when(libc.bind(anyInt(), any(), anyInt())).thenReturn(0);
        lenient().when(libc.getsockname(anyInt(), any(), any())).thenAnswer(i -> {
            Pointer a = i.getArgument(1);
            a.setInt(4, 5000 + (int) i.getArgument(0));
            return 0;
        });
        lenient().when(libc.setsockopt(anyInt(), anyInt(), anyInt(), any(), anyInt())).thenReturn(0);
        lenient().when(libc.eventfd(anyInt(), anyInt())).thenReturn(WAKE_FD);
        lenient().when(libc.write(anyInt(), any(), anyLong())).thenReturn(8L);
        lenient().when(libc.setReceiveBuffer(anyInt(), anyInt(), any())).thenAnswer(i -> {
            ((Pointer) i.getArgument(2)).setInt(0, 2 * (int) i.getArgument(1));
            return 1;
        });
        lenient().when(libc.attachFilter(anyInt(), any(), anyInt())).thenReturn(0);
        lenient().when(libc.strerror(anyInt())).thenAnswer(i -> "strerror " + i.getArgument(0));
        lenient().when(libc.close(anyInt())).thenAnswer(i -> {
            closed.add(i.getArgument(0));
            return 0;
        });
        lenient().when(libc.poll(any(), anyLong(), anyInt())).thenAnswer(i -> {
            Pointer p = i.getArgument(0);
            boolean ready = !queues.getOrDefault(p.getInt(0), new ArrayDeque<>()).isEmpty();
            p.setShort(6, (short) (ready ? 1 : 0));
            if ((long) i.getArgument(1) > 1) {
                p.setShort(14, (short) 0);
            }
            return ready ? 1 : 0;
        });
        lenient().when(libc.sendto(anyInt(), any(), anyLong(), anyInt(), any(), anyInt())).thenAnswer(i -> {
            int fd = i.getArgument(0);
            Pointer m = i.getArgument(1);
            int len = (int) (long) i.getArgument(2);
            onRequest(fd, m.getByteArray(0, len));
            return (long) len;
        });
        lenient().when(libc.recvfrom(anyInt(), any(), anyLong(), anyInt(), any(), any())).thenAnswer(i -> {
            ArrayDeque<Object> q = queues.get((int) i.getArgument(0));
            Object next = q == null ? null : q.poll();
            if (next == null) {
                return fail(Errno.EAGAIN);
            }
            if (next instanceof Integer e) {
                return fail(e);
            }
            Dgram d = (Dgram) next;
            Pointer buf = i.getArgument(1);
            long cap = i.getArgument(2);
            buf.write(0, d.bytes, 0, (int) Math.min(cap, d.bytes.length));
            ((Pointer) i.getArgument(4)).setInt(4, d.sender);
            return (long) d.bytes.length;
        });
    }

    /** A failed call, in LibC's convention: -errno. */
    private static long fail(int e) {
        return -e;
    }

    /** Makes the next socket() call fail with errno. */
    void failSocket(int e) {
        lenient().when(libc.socket(anyInt(), anyInt(), anyInt())).thenAnswer(i -> (int) fail(e));
    }

    /** Makes setsockopt (e.g. the multicast join) fail with errno. */
    void failSetsockopt(int e) {
        lenient().when(libc.setsockopt(anyInt(), anyInt(), anyInt(), any(), anyInt())).thenAnswer(i -> (int) fail(e));
    }

    /** Makes every recvfrom fail with errno. */
    void failRecv(int e) {
        doAnswer(i -> fail(e)).when(libc).recvfrom(anyInt(), any(), anyLong(), anyInt(), any(), any());
    }

    void queue(int fd, Object datagramOrErrno) {
        queues.get(fd).add(datagramOrErrno);
    }

    private void onRequest(int fd, byte[] req) {
        ByteBuffer b = ByteBuffer.wrap(req).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(4) & 0xffff;
        int seq = b.getInt(8);
        int mask = req.length >= 20 ? b.getInt(16) : 0;
        int f1 = req.length >= 24 ? b.getInt(20) : 0;
        int f3 = req.length >= 32 ? b.getInt(28) : 0;
        requests.add(new int[] {fd, type, seq, mask, f1, f3});
        if (!answerControl) {
            return;
        }
        if (type == 1000) {
            queue(fd, new Dgram(0, ack(seq, getErrno)));
            if (getErrno == 0) {
                queue(fd, new Dgram(0, message(1000, seq, AuditStatus.encodeSet(status.mask(), status))));
            }
        } else if (type == 1001) {
            int e = setErrno.applyAsInt(mask);
            if (e == 0) {
                if ((mask & AuditStatus.MASK_ENABLED) != 0) {
                    status = status.withEnabled(f1);
                }
                if ((mask & AuditStatus.MASK_PID) != 0) {
                    status = status.withPid(f3);
                }
            }
            queue(fd, new Dgram(0, ack(seq, e)));
        }
    }

    static byte[] message(int type, int seq, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16 + payload.length).putShort((short) type).putShort((short) 0).putInt(seq).putInt(0).put(payload);
        return b.array();
    }

    static byte[] ack(int seq, int errno) {
        ByteBuffer p = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        p.putInt(-errno).putInt(16).putShort((short) 1000).putShort((short) 5).putInt(seq).putInt(0);
        return message(2, seq, p.array());
    }

}
