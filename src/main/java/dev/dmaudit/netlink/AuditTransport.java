package dev.dmaudit.netlink;

import dev.dmaudit.os.SyscallException;

/**
 * A source of raw NETLINK_AUDIT datagrams plus the audit control requests, so the library and
 * tests can substitute it. Datagrams go to {@link dev.dmaudit.record.NetlinkFrames#forEach} as
 * received.
 */
public interface AuditTransport extends AutoCloseable {
    /** {@link #receive} result: the transport was closed. */
    int CLOSED = -1;
    /** {@link #receive(byte[], long)} result: nothing arrived in time. */
    int TIMEOUT = 0;


    /**
     * Blocks until a datagram from the kernel arrives and copies it into {@code buffer}. Datagrams
     * longer than the buffer are dropped and counted ({@link #truncated()}); ENOBUFS
     * is counted and receiving goes on. Allocates nothing per datagram.
     *
     * @param buffer where to copy the datagram (at least {@link #maxDatagram()} bytes)
     * @return the datagram length, or {@link #CLOSED} once {@link #close()} was called
     * @throws SyscallException on an unexpected receive error
     */
    int receive(byte[] buffer);

    /**
     * As {@link #receive(byte[])}, waiting at most {@code timeoutMillis}.
     *
     * @param buffer        where to copy the datagram
     * @param timeoutMillis the longest wait; 0 only takes what is already queued
     * @return the datagram length, {@link #TIMEOUT} or {@link #CLOSED}
     * @throws SyscallException on an unexpected receive error
     */
    int receive(byte[] buffer, long timeoutMillis);

    /** @return the largest datagram this transport can deliver */
    int maxDatagram();

    /**
     * AUDIT_GET on the control socket (needs CAP_AUDIT_CONTROL).
     *
     * @return the kernel's audit status
     * @throws SyscallException with kind PERMISSION without CAP_AUDIT_CONTROL, CLOSED after
     *                          {@link #close()}, TIMEOUT or PROTOCOL when the kernel's answer is
     *                          missing or malformed
     */
    AuditStatus status();

    /**
     * AUDIT_SET enabled; the previous value is restored on close.
     *
     * @param enabled true to make the kernel produce records
     * @throws SyscallException when AUDIT_GET or AUDIT_SET fails, or CLOSED after {@link #close()}
     */
    void setEnabled(boolean enabled);

    /**
     * AUDIT_SET backlog_limit; the previous value is restored on close.
     *
     * @param limit the kernel queue limit
     * @throws SyscallException when AUDIT_GET or AUDIT_SET fails, or CLOSED after {@link #close()}
     */
    void setBacklogLimit(int limit);

    /** @return datagrams delivered to the caller */
    long datagrams();

    /** @return their total size */
    long bytes();

    /**
     * @return ENOBUFS returned by recv: the receive buffer overflowed and the kernel dropped
     *     datagrams for this socket (the listener's own loss signal; notifications, not records)
     */
    long enobufs();

    /** @return datagrams from a sender other than the kernel (nl_pid != 0), dropped */
    long nonKernelDropped();

    /** @return datagrams larger than the receive buffer (MSG_TRUNC), dropped */
    long truncated();

    /**
     * Growth of the kernel's audit {@code lost} counter since open (one AUDIT_GET). It counts
     * records the kernel dropped from its own queues (backlog limit, rate limit, and the hold queue
     * kept for a future daemon) — not multicast loss, and it includes other listeners' and other
     * processes' losses. Serial-number gaps are not loss either (serials are shared by all records).
     *
     * @return the growth, or -1 when it cannot be read (no CAP_AUDIT_CONTROL)
     */
    long kernelLostDelta();

    /**
     * Unregisters (daemon mode), restores what this transport changed, and closes the sockets. A
     * thread blocked in {@link #receive} returns {@link #CLOSED}. Idempotent.
     *
     * @throws SyscallException when unregistering or restoring a setting fails; the sockets are
     *                          closed all the same
     */
    @Override
    void close();
}
