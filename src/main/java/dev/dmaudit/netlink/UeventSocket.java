package dev.dmaudit.netlink;

import com.sun.jna.Memory;
import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.Errno;
import dev.dmaudit.os.LibC;
import dev.dmaudit.os.SyscallException;

/**
 * The kernel's device events: a NETLINK_KOBJECT_UEVENT socket bound to multicast group 1, where
 * the kernel itself sends each uevent ({@code kobject_uevent_env}); group 2 is udevd's rebroadcast
 * and is not joined. Any process may listen; in the initial network namespace it sees every
 * device's events. Datagrams not sent by the kernel (sender port id not 0) are dropped and
 * counted, like oversized ones; ENOBUFS (the socket overran) is counted and reading goes on.
 *
 * <p>{@link #receive} never blocks: the caller waits for {@link #fd()} to be readable (the
 * listener's reader polls it beside the audit socket, {@link AuditSocket#wakeAlsoOn}). Receive
 * and close are serialized, so closing from another thread is safe.
 */
public final class UeventSocket implements AutoCloseable {
    /** The kernel's own uevent multicast group (udevd listens here too). */
    static final int KERNEL_GROUP = 1;
    /** Larger than the kernel's uevent buffer (2048 bytes). */
    public static final int MAX_DATAGRAM = 8192;

    private final LibC libc;
    private final NetlinkSocket socket;
    private final Memory rx = new Memory(MAX_DATAGRAM);
    private boolean closed;
    private long datagrams;
    private long enobufs;
    private long nonKernelDropped;
    private long truncated;

    private UeventSocket(LibC libc, NetlinkSocket socket) {
        this.libc = libc;
        this.socket = socket;
    }

    /**
     * @param receiveBuffer the wanted receive buffer in bytes, or 0 for the system default
     * @return a socket joined to the kernel's uevent group
     * @throws SyscallException naming the syscall and errno when it cannot be opened
     */
    public static UeventSocket open(int receiveBuffer) {
        return open(DirectLibC.get(), receiveBuffer);
    }

    /**
     * @param libc          the C library
     * @param receiveBuffer the wanted receive buffer in bytes, or 0 for the system default
     * @return a socket joined to the kernel's uevent group
     * @throws SyscallException naming the syscall and errno when it cannot be opened
     */
    static UeventSocket open(LibC libc, int receiveBuffer) {
        NetlinkSocket s = NetlinkSocket.open(libc, NetlinkSocket.NETLINK_KOBJECT_UEVENT, KERNEL_GROUP, "nothing");
        try {
            if (receiveBuffer > 0) {
                s.setReceiveBuffer(receiveBuffer);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return new UeventSocket(libc, s);
    }

    /** @return the descriptor, to poll for readability */
    public int fd() {
        return socket.fd();
    }

    /**
     * Takes one kernel uevent if one is queued.
     *
     * @param buffer where to copy it (at least {@link #MAX_DATAGRAM} bytes to never truncate)
     * @return its length; 0 when none is queued now; -1 once closed
     * @throws SyscallException on an unexpected recvfrom error
     */
    public synchronized int receive(byte[] buffer) {
        if (closed) {
            return -1;
        }
        while (true) {
            long n = socket.receive(rx, MAX_DATAGRAM);
            if (n >= 0) {
                if (socket.lastSender() != 0) {
                    nonKernelDropped++;
                } else if (n > MAX_DATAGRAM || n > buffer.length) {
                    truncated++;
                } else {
                    rx.read(0, buffer, 0, (int) n);
                    datagrams++;
                    return (int) n;
                }
                continue;
            }
            int errno = (int) -n;
            if (errno == Errno.EAGAIN) {
                return 0;
            }
            if (errno == Errno.ENOBUFS) {
                enobufs++;
            } else if (errno != Errno.EINTR) {
                throw SyscallException.of(libc, "recvfrom", errno, "nothing");
            }
        }
    }

    /** @return uevents received from the kernel */
    public synchronized long datagrams() {
        return datagrams;
    }

    /** @return ENOBUFS seen: the socket overran and the kernel dropped uevents for it */
    public synchronized long enobufs() {
        return enobufs;
    }

    /** @return datagrams dropped because a process, not the kernel, sent them */
    public synchronized long nonKernelDropped() {
        return nonKernelDropped;
    }

    /** @return datagrams dropped because they were larger than the buffer */
    public synchronized long truncated() {
        return truncated;
    }

    /** Closes the socket; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            socket.close();
        }
    }
}
