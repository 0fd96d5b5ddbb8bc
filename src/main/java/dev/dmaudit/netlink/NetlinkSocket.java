package dev.dmaudit.netlink;

import dev.dmaudit.os.LibC;
import dev.dmaudit.os.SyscallException;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/** One NETLINK_AUDIT socket: open/bind, options, send to the kernel, raw receive. Not thread-safe. */
final class NetlinkSocket {
    /** Address family of netlink sockets. */
    static final int AF_NETLINK = 16;
    /** Socket type netlink uses (datagram semantics). */
    static final int SOCK_RAW = 3;
    /** socket(2) flag: close the descriptor on exec. */
    static final int SOCK_CLOEXEC = 0x80000;
    /** Netlink protocol of the audit subsystem. */
    static final int NETLINK_AUDIT = 9;
    /** Protocol of the kernel's device events (uevents). */
    static final int NETLINK_KOBJECT_UEVENT = 15;
    /** Option level of the generic socket options (SO_RCVBUF ...). */
    static final int SOL_SOCKET = 1;
    /** Option level of the netlink options. */
    static final int SOL_NETLINK = 270;
    /** Netlink option: join a multicast group. */
    static final int NETLINK_ADD_MEMBERSHIP = 1;
    /** The audit multicast group: a read-only copy of the records (CAP_AUDIT_READ). */
    static final int AUDIT_NLGRP_READLOG = 1;
    /** recvfrom flag: return the datagram's real length even when it did not fit. */
    static final int MSG_TRUNC = 0x20;
    /** recvfrom flag: do not block; EAGAIN when nothing is queued. */
    static final int MSG_DONTWAIT = 0x40;
    /** nlmsg_flags: a request to the kernel. */
    static final int NLM_F_REQUEST = 1;
    /** nlmsg_flags: ask for an ACK (an NLMSG_ERROR with error 0). */
    static final int NLM_F_ACK = 4;
    /** Size of {@code struct sockaddr_nl} (family, pad, nl_pid at offset 4, nl_groups). */
    static final int SOCKADDR_NL_SIZE = 12;

    /** The C library the calls go through. */
    private final LibC libc;
    /** The socket descriptor. */
    private final int fd;
    /** The port id (nl_pid) the kernel bound the socket to. */
    private final int portId;
    /** Sender address of the last datagram received. */
    private final Memory addr = new Memory(SOCKADDR_NL_SIZE);
    /** Length in/out argument for recvfrom. */
    private final Memory addrLen = new Memory(4);
    /** Set once {@link #close()} closed the descriptor, so it is closed only once. */
    private boolean closed;

    /**
     * @param libc   the C library
     * @param fd     the bound socket
     * @param portId the port id the kernel assigned
     */
    private NetlinkSocket(LibC libc, int fd, int portId) {
        this.libc = libc;
        this.fd = fd;
        this.portId = portId;
    }

    /**
     * Creates and binds a NETLINK_AUDIT socket (kernel-assigned port id, no groups).
     *
     * @param libc the C library
     * @return the socket
     * @throws SyscallException when socket, bind or getsockname fails (the descriptor is closed)
     */
    static NetlinkSocket open(LibC libc) {
        return open(libc, NETLINK_AUDIT, 0, "CAP_AUDIT_READ");
    }

    /**
     * Creates and binds a netlink socket (kernel-assigned port id).
     *
     * @param libc       the C library
     * @param protocol   the netlink family, e.g. {@link #NETLINK_KOBJECT_UEVENT}
     * @param groups     the multicast group bit mask to bind to (nl_groups), 0 for none
     * @param capability what a permission error most likely lacks, for its message
     * @return the socket
     * @throws SyscallException when socket, bind or getsockname fails (the descriptor is closed)
     */
    static NetlinkSocket open(LibC libc, int protocol, int groups, String capability) {
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw SyscallException.of(libc, "socket", -fd, capability);
        }
        try {
            Memory a = new Memory(SOCKADDR_NL_SIZE);
            a.clear();
            a.setShort(0, (short) AF_NETLINK);
            a.setInt(8, groups);
            int r = libc.bind(fd, a, SOCKADDR_NL_SIZE);
            if (r < 0) {
                throw SyscallException.of(libc, "bind", -r, capability);
            }
            Memory len = new Memory(4);
            len.setInt(0, SOCKADDR_NL_SIZE);
            r = libc.getsockname(fd, a, len);
            if (r < 0) {
                throw SyscallException.of(libc, "getsockname", -r, capability);
            }
            return new NetlinkSocket(libc, fd, a.getInt(4));
        } catch (RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }



    /** @return the socket descriptor */
    int fd() {
        return fd;
    }

    /** @return the port id the kernel bound this socket to */
    int portId() {
        return portId;
    }

    /**
     * Joins AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ).
     *
     * @throws SyscallException when setsockopt fails
     */
    void joinReadLog() {
        Memory g = new Memory(4);
        g.setInt(0, AUDIT_NLGRP_READLOG);
        int r = libc.setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g, 4);
        if (r < 0) {
            throw SyscallException.of(libc, "setsockopt(NETLINK_ADD_MEMBERSHIP)", -r, "CAP_AUDIT_READ");
        }
    }

    /**
     * Sets the receive buffer: SO_RCVBUFFORCE, or SO_RCVBUF capped by net.core.rmem_max when
     * that is not permitted.
     *
     * @param bytes the wanted receive buffer
     * @return the kernel's effective SO_RCVBUF (read back with getsockopt) and whether it was forced
     * @throws SyscallException when the shim fails
     */
    ReceiveBuffer setReceiveBuffer(int bytes) {
        Memory eff = new Memory(4);
        eff.setInt(0, 0);
        int r = libc.setReceiveBuffer(fd, bytes, eff);
        if (r < 0) {
            throw SyscallException.of(libc, "setsockopt(SO_RCVBUF)", -r, "CAP_NET_ADMIN");
        }
        return new ReceiveBuffer(eff.getInt(0), r == 1);
    }

    /**
     * @param effective the kernel's SO_RCVBUF after the call (twice the usable size)
     * @param forced    SO_RCVBUFFORCE was allowed; false: SO_RCVBUF, capped by net.core.rmem_max
     */
    record ReceiveBuffer(int effective, boolean forced) {
    }

    /**
     * Attaches a socket filter, so the kernel drops unwanted datagrams before they use buffer space.
     *
     * @param program a {@link BpfFilter} program
     * @throws SyscallException when the shim fails
     */
    void attachFilter(byte[] program) {
        Memory p = new Memory(program.length);
        p.write(0, program, 0, program.length);
        int r = libc.attachFilter(fd, p, program.length / BpfFilter.INSN_SIZE);
        if (r < 0) {
            throw SyscallException.of(libc, "setsockopt(SO_ATTACH_FILTER)", -r, "CAP_NET_ADMIN");
        }
    }

    /**
     * Sends one message to {@code destPort} (0 = the kernel).
     *
     * @param type     nlmsg_type
     * @param flags    nlmsg_flags, e.g. {@link #NLM_F_REQUEST} | {@link #NLM_F_ACK}
     * @param seq      nlmsg_seq, echoed in the kernel's answer
     * @param payload  the message payload
     * @param destPort the destination port id, 0 for the kernel
     * @return 0, or the errno when sendto failed
     */
    int send(int type, int flags, int seq, byte[] payload, int destPort) {
        int len = 16 + payload.length;
        Memory m = new Memory(len);
        m.setInt(0, len);
        m.setShort(4, (short) type);
        m.setShort(6, (short) flags);
        m.setInt(8, seq);
        m.setInt(12, portId);
        m.write(16, payload, 0, payload.length);
        Memory dest = new Memory(SOCKADDR_NL_SIZE);
        dest.clear();
        dest.setShort(0, (short) AF_NETLINK);
        dest.setInt(4, destPort);
        long n = libc.sendto(fd, m, len, 0, dest, SOCKADDR_NL_SIZE);
        return n < 0 ? (int) -n : 0;
    }

    /**
     * Sends a user message (AUDIT_USER range) to the kernel, as auditctl -m does; tests and tools.
     *
     * @param type a record type in the AUDIT_USER range
     * @param text the message text (sent NUL-terminated)
     * @return 0, or the errno when sendto failed
     */
    int sendUserMessage(int type, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[t.length + 1];
        System.arraycopy(t, 0, z, 0, t.length);
        return send(type, NLM_F_REQUEST, 0, z, 0);
    }

    /**
     * One non-blocking receive (MSG_TRUNC: the real size is returned even when larger).
     *
     * @param buf      where the datagram goes
     * @param capacity the size of {@code buf}
     * @return the datagram size, or -errno
     */
    long receive(Pointer buf, long capacity) {
        addrLen.setInt(0, SOCKADDR_NL_SIZE);
        return libc.recvfrom(fd, buf, capacity, MSG_DONTWAIT | MSG_TRUNC, addr, addrLen);
    }

    /** @return the sender port id of the last datagram {@link #receive} returned */
    int lastSender() {
        return addr.getInt(4);
    }

    /** Closes the descriptor; later calls do nothing. */
    void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
