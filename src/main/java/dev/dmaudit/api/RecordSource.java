package dev.dmaudit.api;

import java.io.IOException;

/**
 * Where a listener's datagrams come from: the kernel's NETLINK_AUDIT socket in production, or
 * anything else (a replay, a test double). Implementations must allow {@link #close()} from
 * another thread to end a blocked {@link #receive}.
 */
public interface RecordSource extends AutoCloseable {
    /**
     * Receives one datagram.
     *
     * @param buf           where to put it
     * @param timeoutMillis how long to wait at most
     * @return its length; 0 when nothing came within the timeout; -1 once closed
     * @throws IOException on a failure the listener cannot go on from
     */
    int receive(byte[] buf, int timeoutMillis) throws IOException;

    /** @return the source's own loss counters */
    SourceCounters counters();

    /** @return whether the kernel has auditing enabled now, or null when the source cannot tell */
    default Boolean auditEnabled() {
        return null;
    }

    /** Closes the source, restoring whatever kernel state it changed. Idempotent. */
    @Override
    void close();

    /**
     * Loss counters of a source.
     *
     * @param enobufs          ENOBUFS seen on receive
     * @param nonKernelSenders messages dropped because the kernel did not send them
     * @param kernelLostDelta  growth of the kernel's lost counter since the source opened
     * @param truncated        datagrams larger than the receive buffer (MSG_TRUNC)
     */
    record SourceCounters(long enobufs, long nonKernelSenders, long kernelLostDelta, long truncated) {
        /** No loss. */
        public static final SourceCounters NONE = new SourceCounters(0, 0, 0, 0);
    }
}
