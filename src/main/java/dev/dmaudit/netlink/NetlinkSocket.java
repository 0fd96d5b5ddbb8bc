package dev.dmaudit.netlink;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/** One NETLINK_AUDIT socket: open/bind, options, send to the kernel, raw receive. Not thread-safe. */
final class NetlinkSocket {
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_AUDIT = 9;
    static final int SOL_SOCKET = 1;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_ADD_MEMBERSHIP = 1;
    static final int AUDIT_NLGRP_READLOG = 1;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int NLM_F_REQUEST = 1;
    static final int NLM_F_ACK = 4;
    static final int SOCKADDR_NL_SIZE = 12;

    private final LibC libc;
    private final int fd;
    private final int portId;
    private final Memory addr = new Memory(SOCKADDR_NL_SIZE);
    private final Memory addrLen = new Memory(4);
    private boolean closed;

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
     */
    static NetlinkSocket open(LibC libc) {
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd < 0) {
            throw failure(libc, "socket", libc.errno(), "CAP_AUDIT_READ");
        }
        try {
            Memory a = new Memory(SOCKADDR_NL_SIZE);
            a.clear();
            a.setShort(0, (short) AF_NETLINK);
            if (libc.bind(fd, a, SOCKADDR_NL_SIZE) != 0) {
                throw failure(libc, "bind", libc.errno(), "CAP_AUDIT_READ");
            }
            Memory len = new Memory(4);
            len.setInt(0, SOCKADDR_NL_SIZE);
            if (libc.getsockname(fd, a, len) != 0) {
                throw failure(libc, "getsockname", libc.errno(), "CAP_AUDIT_READ");
            }
            return new NetlinkSocket(libc, fd, a.getInt(4));
        } catch (RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    static NetlinkException failure(LibC libc, String syscall, int errno, String needsCap) {
        return NetlinkException.forErrno(syscall, errno, libc.strerror(errno), needsCap);
    }

    int fd() {
        return fd;
    }

    /** @return the port id the kernel bound this socket to */
    int portId() {
        return portId;
    }

    /** Joins AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ). */
    void joinReadLog() {
        Memory g = new Memory(4);
        g.setInt(0, AUDIT_NLGRP_READLOG);
        if (libc.setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g, 4) != 0) {
            throw failure(libc, "setsockopt(NETLINK_ADD_MEMBERSHIP)", libc.errno(), "CAP_AUDIT_READ");
        }
    }

    /**
     * @param bytes the wanted receive buffer
     * @return the kernel's effective SO_RCVBUF
     */
    int setReceiveBuffer(int bytes) {
        Memory eff = new Memory(4);
        eff.setInt(0, 0);
        int r = libc.setReceiveBuffer(fd, bytes, eff);
        if (r < 0) {
            throw failure(libc, "setsockopt(SO_RCVBUF)", -r, "CAP_NET_ADMIN");
        }
        return eff.getInt(0);
    }

    /** @param program a {@link BpfFilter} program */
    void attachFilter(byte[] program) {
        Memory p = new Memory(program.length);
        p.write(0, program, 0, program.length);
        int r = libc.attachFilter(fd, p, program.length / BpfFilter.INSN_SIZE);
        if (r < 0) {
            throw failure(libc, "setsockopt(SO_ATTACH_FILTER)", -r, "CAP_NET_ADMIN");
        }
    }

    /**
     * Sends one message to {@code destPort} (0 = the kernel).
     *
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
        return libc.sendto(fd, m, len, 0, dest, SOCKADDR_NL_SIZE) < 0 ? libc.errno() : 0;
    }

    /** Sends a user message (AUDIT_USER range) to the kernel, as auditctl -m does; tests and tools. */
    int sendUserMessage(int type, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[t.length + 1];
        System.arraycopy(t, 0, z, 0, t.length);
        return send(type, NLM_F_REQUEST, 0, z, 0);
    }

    /**
     * One non-blocking receive (MSG_TRUNC: the real size is returned even when larger).
     *
     * @return the datagram size, or -errno
     */
    long receive(Pointer buf, long capacity) {
        addrLen.setInt(0, SOCKADDR_NL_SIZE);
        long n = libc.recvfrom(fd, buf, capacity, MSG_DONTWAIT | MSG_TRUNC, addr, addrLen);
        return n >= 0 ? n : -libc.errno();
    }

    /** @return the sender port id of the last datagram {@link #receive} returned */
    int lastSender() {
        return addr.getInt(4);
    }

    void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
