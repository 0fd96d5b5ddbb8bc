package dev.dmaudit.netlink;

import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.Errno;
import dev.dmaudit.os.LibC;
import dev.dmaudit.os.NativeDir;
import dev.dmaudit.os.ProcFiles;
import dev.dmaudit.os.SyscallException;
import dev.dmaudit.os.UnsafeNativeDirException;

import com.sun.jna.Memory;
import dev.dmaudit.record.MalformedRecordException;
import dev.dmaudit.record.NetlinkFrames;
import dev.dmaudit.record.NetlinkMessage;
import dev.dmaudit.record.RecordTypes;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The NETLINK_AUDIT transport: a data socket (multicast member or registered daemon) and a
 * separate control socket for AUDIT_GET/AUDIT_SET.
 *
 * <pre>{@code
 * try (AuditSocket s = AuditSocket.multicast(AuditSocketOptions.defaults())) {
 *     byte[] buf = new byte[s.maxDatagram()];
 *     int n;
 *     while ((n = s.receive(buf)) > 0) {
 *         NetlinkFrames.forEach(buf, 0, n, msg -> ...);
 *     }
 * }
 * }</pre>
 *
 * <p>Threads: one thread receives at a time; control requests and {@link #kernelLostDelta()} may come from
 * others; {@link #close()} from any thread wakes a blocked {@link #receive} (an eventfd polled
 * beside the socket) and closes the descriptors only after every thread has left them, so a
 * descriptor number is never reused under a running call.
 */
public final class AuditSocket implements AuditTransport {
    /** eventfd(2) flag: non-blocking. */
    private static final int EFD_NONBLOCK = 0x800;
    /** eventfd(2) flag: close on exec. */
    private static final int EFD_CLOEXEC = 0x80000;
    /** poll(2) event: data to read. */
    private static final int POLLIN = 1;
    /** Bit of {@link #guard} set once {@link #close()} began; new callers are turned away. */
    private static final int CLOSED_BIT = Integer.MIN_VALUE;
    /** {@link #awaitReadable} result: the socket has data. */
    private static final int READABLE = 1;
    /** {@link #awaitReadable} result: {@link #close()} signalled the wake eventfd. */
    private static final int WOKEN = -1;
    /** {@link #awaitReadable} result: the descriptor of {@link #wakeAlsoOn} has data. */
    private static final int OTHER_READABLE = 2;

    /** The C library the calls go through (scripted in tests). */
    private final LibC libc;
    /** How records are received. */
    /**
     * How this socket gets records. The API's {@code Mode} names the two an embedder chooses; the
     * transport adds a third for control requests only, so it keeps its own word for it here.
     */
    enum Role {
        /** The read-only multicast group AUDIT_NLGRP_READLOG (CAP_AUDIT_READ, initial netns). */
        MULTICAST,
        /** The registered audit daemon (AUDIT_SET pid; CAP_AUDIT_CONTROL, a free slot). */
        DAEMON,
        /** No records: AUDIT_GET/AUDIT_SET only; {@link #receive} returns {@link #CLOSED} at once. */
        CONTROL
    }

    private final Role mode;
    /** The options given to {@link #open}. */
    private final AuditSocketOptions options;
    /** Next nlmsg_seq for a request; replies are matched by it. */
    private final AtomicInteger seq = new AtomicInteger(1);
    /** Users inside the descriptors, with {@link #CLOSED_BIT} once close began. */
    private final AtomicInteger guard = new AtomicInteger();
    /** Lets one thread receive at a time. */
    private final ReentrantLock rxLock = new ReentrantLock();
    /** Serialises control requests (one exchange on the control socket at a time) and close. */
    private final Object ctlLock = new Object();
    /** Native receive buffer of the data socket, {@code maxDatagram} bytes. */
    private final Memory rxBuf;
    /** Native receive buffer of the control socket. */
    private final Memory ctlBuf = new Memory(16 * 1024);
    /** Three {@code struct pollfd}: the socket being waited on, the wake eventfd, {@link #otherFd}. */
    private final Memory pollFds = new Memory(24);
    /** A descriptor whose readiness also ends a wait in {@link #receive} ({@link #wakeAlsoOn}); -1: none. */
    private volatile int otherFd = -1;
    /** Datagrams that came on the data socket while waiting for a control reply there. */
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();

    /** The data socket; null in control mode. */
    private NetlinkSocket data;
    /** The control socket, for AUDIT_GET/AUDIT_SET. */
    private NetlinkSocket control;
    /** eventfd that {@link #close()} writes to wake a blocked {@link #receive}; -1 when none. */
    private int wakeFd = -1;
    /** The data socket's effective SO_RCVBUF, 0 when left at the default. */
    private int receiveBuffer;
    /** SO_RCVBUFFORCE was refused and net.core.rmem_max made the buffer smaller than asked. */
    private boolean receiveBufferCapped;
    /** The capped-buffer warning is said once per process, not once per socket. */
    private static final AtomicBoolean CAPPED_WARNED = new AtomicBoolean();
    /** Says the capped buffer. */
    private static final System.Logger LOG = System.getLogger(AuditSocket.class.getName());
    /** True while this process is the registered audit daemon; close unregisters it. */
    private boolean daemonRegistered;
    /** Set by close under {@link #ctlLock}: its requests must not poll the already signalled eventfd. */
    private boolean closing;
    /** The enabled value before this transport changed it, restored on close; null when unchanged. */
    private Integer originalEnabled;
    /** The backlog_limit before this transport changed it, restored on close; null when unchanged. */
    private Integer originalBacklogLimit;
    /** The kernel's lost counter at open, or -1 when AUDIT_GET was not permitted. */
    private long lostBaseline = -1;
    /** The last growth of the lost counter seen by {@link #kernelLostDelta()}, -1 when unknown. */
    private volatile long lastLostDelta = -1;

    /** Datagrams delivered to the caller. */
    private volatile long datagrams;
    /** Total size of the delivered datagrams. */
    private volatile long bytes;
    /** ENOBUFS seen on receive: records the kernel dropped for this socket. */
    private volatile long enobufs;
    /** Datagrams from a sender other than the kernel, dropped. */
    private volatile long nonKernelDropped;
    /** Datagrams larger than the buffer, dropped. */
    private volatile long truncated;

    /**
     * Allocates the buffers; {@link #start()} opens the sockets.
     *
     * @param libc    the C library
     * @param mode    how records are received
     * @param options the options
     */
    private AuditSocket(LibC libc, Role mode, AuditSocketOptions options) {
        this.libc = libc;
        this.mode = mode;
        this.options = options;
        this.rxBuf = new Memory(options.maxDatagram());
    }

    /**
     * Opens the transport.
     *
     * @param mode    multicast (the usual choice), daemon, or control (no records)
     * @param options options
     * @return the open transport
     * @throws SyscallException with kind PERMISSION, UNSUPPORTED, NOT_INITIAL_NAMESPACE,
     *                          DAEMON_SLOT_TAKEN ({@link DaemonSlotTakenException}) ...
     * @throws UnsafeNativeDirException when no directory is safe to load native code from (docs/native.md)
     * @throws UnsatisfiedLinkError when the native shim is missing or stale
     */
    private static AuditSocket open(Role mode, AuditSocketOptions options) {
        NativeDir.prepare();
        return open(mode, options, DirectLibC.get());
    }

    /**
     * Joins the read-only multicast group: beside auditd, with only CAP_AUDIT_READ.
     *
     * @param options buffer size, kernel-side filter, audit switch
     * @return the open transport
     * @throws SyscallException as {@link #open(Role, AuditSocketOptions)}
     */
    public static AuditSocket multicast(AuditSocketOptions options) {
        return open(Role.MULTICAST, options);
    }

    /**
     * Registers as the audit daemon (unregistered at close).
     *
     * @param options buffer size, kernel-side filter, audit switch
     * @return the open transport
     * @throws SyscallException as {@link #open(Role, AuditSocketOptions)}
     */
    public static AuditSocket daemon(AuditSocketOptions options) {
        return open(Role.DAEMON, options);
    }

    /**
     * A control socket only: AUDIT_GET/AUDIT_SET, no records.
     *
     * @param options the control timeout
     * @return the open transport
     * @throws SyscallException as {@link #open(Role, AuditSocketOptions)}
     */
    public static AuditSocket control(AuditSocketOptions options) {
        return open(Role.CONTROL, options);
    }

    /**
     * Opens the transport over the given C library (tests pass a scripted one). On failure, whatever
     * was opened or changed is undone before the exception is thrown.
     *
     * @param mode    multicast, daemon, or control
     * @param options options
     * @param libc    the C library
     * @return the open transport
     * @throws SyscallException as {@link #multicast}
     */
    static AuditSocket open(Role mode, AuditSocketOptions options, LibC libc) {
        AuditSocket s = new AuditSocket(libc, mode, options);
        try {
            s.start();
            return s;
        } catch (RuntimeException e) {
            try {
                s.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Opens the wake eventfd and the control socket, reads the lost baseline, then (unless in
     * control mode) opens the data socket, applies the options and joins the multicast group or
     * registers as the daemon.
     *
     * @throws SyscallException when a step fails; {@link #open} then closes what was opened
     */
    private void start() {
        wakeFd = libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wakeFd < 0) {
            throw SyscallException.of(libc, "eventfd", -wakeFd, "nothing");
        }
        control = NetlinkSocket.open(libc);
        if (mode == Role.MULTICAST && Boolean.FALSE.equals(ProcFiles.inInitialNetNamespace())) {
            throw new SyscallException(SyscallException.Kind.NOT_INITIAL_NAMESPACE, "setsockopt(NETLINK_ADD_MEMBERSHIP)", 0,
                    "multicast mode: this process is not in the initial network namespace, where the kernel "
                            + "multicasts audit records (/proc/self/ns/net differs from /proc/1/ns/net)");
        }
        try {
            lostBaseline = statusLocked().lost();
            lastLostDelta = 0;
        } catch (SyscallException e) {
            if (e.kind() != SyscallException.Kind.PERMISSION || mode != Role.MULTICAST) {
                throw e;
            }
            // Multicast with CAP_AUDIT_READ only: no AUDIT_GET, so no kernel lost counter.
        }
        if (mode == Role.CONTROL) {
            return;
        }
        data = NetlinkSocket.open(libc);
        if (options.receiveBufferBytes() > 0) {
            NetlinkSocket.ReceiveBuffer r = data.setReceiveBuffer(options.receiveBufferBytes());
            receiveBuffer = r.effective();
            receiveBufferCapped = !r.forced() && receiveBuffer < 2L * options.receiveBufferBytes();
            if (receiveBufferCapped) {
                warnCappedOnce(receiveBuffer, options.receiveBufferBytes());
            }
        }
        int[] accept = options.acceptTypes();
        if (accept != null) {
            int[] all = Arrays.copyOf(accept, accept.length + 4);
            all[accept.length] = NetlinkMessage.NLMSG_ERROR;
            all[accept.length + 1] = NetlinkMessage.NLMSG_DONE;
            all[accept.length + 2] = RecordTypes.GET;
            all[accept.length + 3] = mode == Role.DAEMON ? RecordTypes.REPLACE : RecordTypes.GET;
            data.attachFilter(BpfFilter.program(all));
        }
        if (options.backlogLimit() > 0) {
            setBacklogLimit(options.backlogLimit());
        }
        if (options.enableAudit()) {
            setEnabled(true);
        }
        if (mode == Role.MULTICAST) {
            data.joinReadLog();
        } else {
            registerDaemon();
        }
    }

    /**
     * Registers this process as the audit daemon (AUDIT_SET pid), on the data socket so the kernel
     * sends records there.
     *
     * @throws DaemonSlotTakenException when another process holds the slot (named when AUDIT_GET tells)
     * @throws SyscallException         when the request fails otherwise
     */
    private void registerDaemon() {
        int pid = (int) ProcessHandle.current().pid();
        try {
            request(data, rxBuf, "AUDIT_SET pid", RecordTypes.SET,
                    AuditStatus.encodeSet(AuditStatus.MASK_PID, AuditStatus.empty().withPid(pid)), 0, true);
        } catch (SyscallException e) {
            if (e.kind() == SyscallException.Kind.DAEMON_SLOT_TAKEN) {
                int holder = 0;
                try {
                    holder = status().pid();
                } catch (SyscallException ignored) {
                    // Leave the holder unknown.
                }
                throw new DaemonSlotTakenException(holder, ProcFiles.comm(holder));
            }
            throw e;
        }
        daemonRegistered = true;
    }

    /** @return the port id of the data socket (the address other sockets would send to), 0 in control mode */
    public int portId() {
        return data == null ? 0 : data.portId();
    }

    /**
     * @return the effective SO_RCVBUF of the data socket as the kernel reports it (getsockopt: twice
     *         the usable size), 0 when left at the default
     */
    public int receiveBufferBytes() {
        return receiveBuffer;
    }

    /**
     * @return true when SO_RCVBUFFORCE was refused (no CAP_NET_ADMIN) and net.core.rmem_max made
     *         the buffer smaller than requested; a WARNING said so once ({@link #receiveBufferBytes()}
     *         is the size in effect)
     */
    public boolean receiveBufferCapped() {
        return receiveBufferCapped;
    }

    /**
     * One WARNING per process: with only CAP_AUDIT_READ the buffer silently shrank to
     * 2 × rmem_max (~416 KiB on stock Debian) and a syscall storm then lost records.
     */
    private static void warnCappedOnce(int effective, int requested) {
        if (CAPPED_WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "receive buffer is " + effective + " bytes (getsockopt SO_RCVBUF), not the "
                    + 2L * requested + " of the requested " + requested + ": SO_RCVBUFFORCE needs CAP_NET_ADMIN, so"
                    + " net.core.rmem_max caps it and bursts may be lost; raise it with `sysctl -w net.core.rmem_max="
                    + requested + "` or the drop-in contrib/sysctl/60-dmaudit.conf (installed as"
                    + " /usr/local/lib/sysctl.d/60-dmaudit.conf)");
        }
    }

    /**
     * Lets one reader thread serve a second socket without a thread of its own: while
     * {@link #receive} waits, it also returns {@link #TIMEOUT} as soon as {@code fd} is readable,
     * so the caller can read that socket (without blocking) and come back. Set it before receiving.
     *
     * @param fd an open descriptor (e.g. a {@link UeventSocket}'s), or -1 for none
     */
    public void wakeAlsoOn(int fd) {
        otherFd = fd;
    }

    @Override
    public int maxDatagram() {
        return options.maxDatagram();
    }

    @Override
    public int receive(byte[] buffer) {
        return receive(buffer, -1);
    }

    @Override
    public int receive(byte[] buffer, long timeoutMillis) {
        if (data == null || !enter()) {
            return CLOSED;
        }
        rxLock.lock();
        try {
            return receiveLocked(buffer, timeoutMillis);
        } finally {
            rxLock.unlock();
            exit();
        }
    }

    /**
     * The body of {@link #receive(byte[], long)}, under {@link #rxLock}: first a datagram kept while
     * waiting for a control reply, then the socket; drops and counts non-kernel and oversized
     * datagrams and ENOBUFS.
     *
     * @param buffer        where to copy the datagram
     * @param timeoutMillis the longest wait; negative waits forever
     * @return the datagram length, {@link #TIMEOUT}, or {@link #CLOSED} when close() woke it
     * @throws SyscallException on an unexpected recvfrom or poll error
     */
    private int receiveLocked(byte[] buffer, long timeoutMillis) {
        if (!pending.isEmpty()) {
            byte[] d = pending.poll();
            if (d.length > buffer.length) {
                truncated++;
            } else {
                System.arraycopy(d, 0, buffer, 0, d.length);
                datagrams++;
                bytes += d.length;
                return d.length;
            }
        }
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        long cap = rxBuf.size();
        while (true) {
            long n = data.receive(rxBuf, cap);
            if (n >= 0) {
                if (data.lastSender() != 0) {
                    nonKernelDropped++;
                } else if (n > cap || n > buffer.length) {
                    truncated++;
                } else {
                    rxBuf.read(0, buffer, 0, (int) n);
                    datagrams++;
                    bytes += n;
                    return (int) n;
                }
                continue;
            }
            int errno = (int) -n;
            if (errno == Errno.ENOBUFS) {
                enobufs++;
            } else if (errno == Errno.EAGAIN) {
                long left = deadline == Long.MAX_VALUE ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                int r = awaitReadable(data.fd(), left, true);
                if (r == WOKEN) {
                    return CLOSED;
                }
                if (r == OTHER_READABLE) {
                    return TIMEOUT;
                }
                if (r != READABLE && System.nanoTime() - deadline >= 0) {
                    return TIMEOUT;
                }
            } else if (errno != Errno.EINTR) {
                throw SyscallException.of(libc, "recvfrom", errno, "CAP_AUDIT_READ");
            }
        }
    }

    /**
     * Waits until {@code fd} is readable.
     *
     * @param fd            the socket
     * @param timeoutMillis the longest wait; negative waits forever
     * @param watchWake     whether to also poll the wake eventfd (false once close is running)
     * @return READABLE, 0 on timeout (or EINTR), WOKEN when close() signalled, OTHER_READABLE when
     *     the descriptor of {@link #wakeAlsoOn} has data
     * @throws SyscallException when poll fails
     */
    private int awaitReadable(int fd, long timeoutMillis, boolean watchWake) {
        pollFds.setInt(0, fd);
        pollFds.setShort(4, (short) POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, wakeFd);
        pollFds.setShort(12, (short) POLLIN);
        pollFds.setShort(14, (short) 0);
        int other = watchWake ? otherFd : -1;
        pollFds.setInt(16, other);
        pollFds.setShort(20, (short) POLLIN);
        pollFds.setShort(22, (short) 0);
        int r = libc.poll(pollFds, other >= 0 ? 3 : watchWake ? 2 : 1, (int) Math.min(timeoutMillis, Integer.MAX_VALUE));
        if (r < 0) {
            if (-r == Errno.EINTR) {
                return 0;
            }
            throw SyscallException.of(libc, "poll", -r, "nothing");
        }
        if (watchWake && pollFds.getShort(14) != 0) {
            return WOKEN;
        }
        if (other >= 0 && pollFds.getShort(22) != 0) {
            return OTHER_READABLE;
        }
        return r > 0 ? READABLE : 0;
    }

    /**
     * Sends a request with NLM_F_ACK and waits for the kernel's answer with the same sequence
     * number: the ACK (or an NLMSG_ERROR, thrown) and, when {@code replyType} is not 0, a reply
     * of that type. Other datagrams are kept for {@link #receive} when {@code keepOthers}.
     *
     * @param s          the socket to send on and read the answer from
     * @param rx         that socket's native receive buffer
     * @param what       the request's name, for messages, e.g. {@code "AUDIT_GET"}
     * @param type       nlmsg_type of the request
     * @param payload    the request payload
     * @param replyType  the reply type to wait for besides the ACK, 0 for none
     * @param keepOthers keep unrelated datagrams for {@link #receive} (the data socket), instead of
     *                   dropping them
     * @return the reply payload, or null when only an ACK was wanted
     * @throws SyscallException with kind TIMEOUT, CLOSED, PROTOCOL, or the kind of the errno the
     *                          kernel answered or sendto/recvfrom returned
     */
    private byte[] request(NetlinkSocket s, Memory rx, String what, int type, byte[] payload, int replyType,
                           boolean keepOthers) {
        int mySeq = seq.getAndIncrement();
        int err = s.send(type, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, mySeq, payload, 0);
        if (err != 0) {
            throw SyscallException.of(libc, "sendto(" + what + ")", err, "CAP_AUDIT_CONTROL");
        }
        long deadline = System.nanoTime() + options.controlTimeoutMillis() * 1_000_000L;
        Reply reply = new Reply(mySeq, replyType);
        while (!reply.done()) {
            long n = s.receive(rx, rx.size());
            if (n < 0) {
                int errno = (int) -n;
                if (errno == Errno.EAGAIN) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        throw new SyscallException(SyscallException.Kind.TIMEOUT, what, Errno.ETIMEDOUT,
                                what + ": no answer from the kernel in " + options.controlTimeoutMillis() + " ms");
                    }
                    if (awaitReadable(s.fd(), left, !closing) == WOKEN) {
                        throw new SyscallException(SyscallException.Kind.CLOSED, what, 0, what + ": transport closed");
                    }
                } else if (errno == Errno.ENOBUFS) {
                    enobufs++;
                } else if (errno != Errno.EINTR) {
                    throw SyscallException.of(libc, "recvfrom(" + what + ")", errno, "CAP_AUDIT_CONTROL");
                }
                continue;
            }
            if (s.lastSender() != 0) {
                nonKernelDropped++;
                continue;
            }
            if (n > rx.size()) {
                truncated++;
                continue;
            }
            byte[] d = rx.getByteArray(0, (int) n);
            try {
                NetlinkFrames.forEach(d, 0, d.length, reply);
            } catch (MalformedRecordException e) {
                throw new SyscallException(SyscallException.Kind.PROTOCOL, what, 0, what + ": bad reply: " + e.getMessage());
            }
            if (reply.others && keepOthers) {
                pending.add(d);
            }
            reply.others = false;
            if (reply.errno != 0) {
                throw SyscallException.of(libc, what, reply.errno, "CAP_AUDIT_CONTROL");
            }
        }
        return reply.payload;
    }

    /** Collects the answer to one request. */
    private static final class Reply implements NetlinkFrames.Visitor {
        /** nlmsg_seq of the request. */
        final int seq;
        /** The reply type wanted besides the ACK, 0 for none. */
        final int type;
        /** True once the NLMSG_ERROR (ACK or error) for the request arrived. */
        boolean acked;
        /** The reply's payload, once it arrived. */
        byte[] payload;
        /** The positive errno the kernel answered, 0 for an ACK. */
        int errno;
        /** True when the last datagram held messages not for this request. */
        boolean others;

        /**
         * @param seq  nlmsg_seq of the request
         * @param type the reply type wanted besides the ACK, 0 for none
         */
        Reply(int seq, int type) {
            this.seq = seq;
            this.type = type;
        }

        @Override
        public void message(NetlinkMessage m) {
            if (m.seq() != seq || (m.type() != NetlinkMessage.NLMSG_ERROR && m.type() != type)) {
                others = true;
            } else if (m.type() == NetlinkMessage.NLMSG_ERROR) {
                int code = m.errorCode();
                acked = true;
                errno = -code;
            } else {
                payload = m.payload();
            }
        }

        /**
         * @return true once the ACK arrived and, when a reply was wanted, the reply did too (or the
         *         kernel answered an error)
         */
        boolean done() {
            return acked && (type == 0 || payload != null || errno != 0);
        }
    }

    @Override
    public AuditStatus status() {
        if (!enter()) {
            throw closedException("AUDIT_GET");
        }
        try {
            return statusLocked();
        } finally {
            exit();
        }
    }

    /**
     * AUDIT_GET on the control socket, under {@link #ctlLock}; the caller has entered the guard (or
     * is opening).
     *
     * @return the kernel's audit status
     * @throws SyscallException when the request fails, or with kind PROTOCOL for a malformed reply
     */
    private AuditStatus statusLocked() {
        synchronized (ctlLock) {
            byte[] p = request(control, ctlBuf, "AUDIT_GET", RecordTypes.GET, new byte[0], RecordTypes.GET, false);
            try {
                return AuditStatus.decode(p, 0, p.length);
            } catch (MalformedRecordException e) {
                throw new SyscallException(SyscallException.Kind.PROTOCOL, "AUDIT_GET", 0, "AUDIT_GET: " + e.getMessage());
            }
        }
    }

    /**
     * AUDIT_SET on the control socket, waiting for the ACK.
     *
     * @param what   the request's name, for messages
     * @param mask   AUDIT_STATUS_* bits of the fields to change
     * @param values the new values of those fields
     * @throws SyscallException when the request fails
     */
    private void set(String what, int mask, AuditStatus values) {
        request(control, ctlBuf, what, RecordTypes.SET, AuditStatus.encodeSet(mask, values), 0, false);
    }

    @Override
    public void setEnabled(boolean enabled) {
        changeSetting("AUDIT_SET enabled", AuditStatus.MASK_ENABLED, enabled ? 1 : 0);
    }

    @Override
    public void setBacklogLimit(int limit) {
        changeSetting("AUDIT_SET backlog_limit", AuditStatus.MASK_BACKLOG_LIMIT, limit);
    }

    /**
     * Sets enabled or backlog_limit when it differs from {@code value}, remembering the first
     * original value so close can restore it.
     *
     * @param what  the request's name, for messages
     * @param mask  {@link AuditStatus#MASK_ENABLED} or {@link AuditStatus#MASK_BACKLOG_LIMIT}
     * @param value the new value
     * @throws SyscallException with kind CLOSED after close, or when AUDIT_GET/AUDIT_SET fails
     */
    private void changeSetting(String what, int mask, int value) {
        if (!enter()) {
            throw closedException(what);
        }
        try {
            synchronized (ctlLock) {
                AuditStatus cur = statusLocked();
                int old = mask == AuditStatus.MASK_ENABLED ? cur.enabled() : cur.backlogLimit();
                if (old == value) {
                    return;
                }
                set(what, mask, AuditStatus.empty().withEnabled(value).withBacklogLimit(value));
                if (mask == AuditStatus.MASK_ENABLED && originalEnabled == null) {
                    originalEnabled = old;
                } else if (mask == AuditStatus.MASK_BACKLOG_LIMIT && originalBacklogLimit == null) {
                    originalBacklogLimit = old;
                }
            }
        } finally {
            exit();
        }
    }

    @Override
    public long datagrams() {
        return datagrams;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public long enobufs() {
        return enobufs;
    }

    @Override
    public long nonKernelDropped() {
        return nonKernelDropped;
    }

    @Override
    public long truncated() {
        return truncated;
    }

    @Override
    public long kernelLostDelta() {
        long delta = lastLostDelta;
        if (lostBaseline >= 0 && enter()) {
            try {
                delta = (statusLocked().lost() - lostBaseline) & 0xffffffffL;
                lastLostDelta = delta;
            } catch (SyscallException e) {
                // Keep the last value.
            } finally {
                exit();
            }
        }
        return delta;
    }

    /**
     * Counts the caller in as a user of the descriptors, so close waits for it.
     *
     * @return true when entered (call {@link #exit()} after), false once close began
     */
    private boolean enter() {
        while (true) {
            int s = guard.get();
            if (s < 0) {
                return false;
            }
            if (guard.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Leaves what {@link #enter()} entered. */
    private void exit() {
        guard.decrementAndGet();
    }

    /**
     * @param what the request that found the transport closed
     * @return a CLOSED exception for it
     */
    private static SyscallException closedException(String what) {
        return new SyscallException(SyscallException.Kind.CLOSED, what, 0, what + ": transport closed");
    }

    @Override
    public void close() {
        if ((guard.getAndUpdate(s -> s | CLOSED_BIT) & CLOSED_BIT) != 0) {
            return;
        }
        if (wakeFd >= 0) {
            Memory one = new Memory(8);
            one.setLong(0, 1);
            libc.write(wakeFd, one, 8);
        }
        while ((guard.get() & ~CLOSED_BIT) != 0) {
            LockSupport.parkNanos(100_000);
        }
        RuntimeException failure = null;
        synchronized (ctlLock) {
            closing = true;
            if (control != null) {
                if (daemonRegistered) {
                    failure = attempt(failure, () -> set("AUDIT_SET pid 0", AuditStatus.MASK_PID, AuditStatus.empty()));
                    daemonRegistered = false;
                }
                if (originalBacklogLimit != null) {
                    int v = originalBacklogLimit;
                    failure = attempt(failure, () -> set("AUDIT_SET backlog_limit", AuditStatus.MASK_BACKLOG_LIMIT,
                            AuditStatus.empty().withBacklogLimit(v)));
                }
                if (originalEnabled != null) {
                    int v = originalEnabled;
                    failure = attempt(failure, () -> set("AUDIT_SET enabled", AuditStatus.MASK_ENABLED,
                            AuditStatus.empty().withEnabled(v)));
                }
            }
            if (data != null) {
                data.close();
            }
            if (control != null) {
                control.close();
            }
            if (wakeFd >= 0) {
                libc.close(wakeFd);
                wakeFd = -1;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Runs one cleanup step of close, so a failing step does not skip the others.
     *
     * @param first the failure so far, or null
     * @param step  the step
     * @return {@code first} (with the step's failure suppressed in it), or the step's failure when
     *         {@code first} was null
     */
    private static RuntimeException attempt(RuntimeException first, Runnable step) {
        try {
            step.run();
            return first;
        } catch (RuntimeException e) {
            if (first != null) {
                first.addSuppressed(e);
                return first;
            }
            return e;
        }
    }
}
