package dev.dmaudit.netlink;

/**
 * Counters of one transport since it was opened.
 *
 * @param datagrams        datagrams delivered to the caller
 * @param bytes            their total size
 * @param enobufs          ENOBUFS returned by recv: the receive buffer overflowed and the kernel
 *                         dropped datagrams for this socket (the listener's own loss signal)
 * @param nonKernelDropped datagrams from a sender other than the kernel (nl_pid != 0), dropped
 * @param truncated        datagrams larger than the receive buffer (MSG_TRUNC), dropped
 * @param kernelLostDelta  growth of the kernel's audit {@code lost} counter since open, or -1 when
 *                         it cannot be read (no CAP_AUDIT_CONTROL). It counts records the kernel
 *                         dropped from its own queues (backlog limit, rate limit, and the hold
 *                         queue kept for a future daemon) — not multicast loss, and it includes
 *                         other listeners' and other processes' losses. Serial-number gaps are not
 *                         loss either (serials are shared by all records).
 */
public record TransportStats(long datagrams, long bytes, long enobufs, long nonKernelDropped, long truncated,
                             long kernelLostDelta) {
}
