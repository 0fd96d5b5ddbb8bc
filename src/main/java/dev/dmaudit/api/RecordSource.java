package dev.dmaudit.api;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * Where a listener's datagrams come from: the kernel's NETLINK_AUDIT socket in production, or
 * anything else (a replay, a test double). Implementations must allow {@link #close()} from
 * another thread to end a blocked {@link #receive}. The counters default to "no loss seen".
 */
public interface RecordSource extends AutoCloseable {
    /**
     * Receives one datagram.
     *
     * @param buf           where to put it
     * @param timeoutMillis how long to wait at most: 0 takes only what is there already, a
     *                      negative value waits until a datagram comes or the source is closed
     * @return its length; 0 when nothing came within the timeout; -1 once closed
     * @throws IOException on a failure the listener cannot go on from
     */
    int receive(byte[] buf, int timeoutMillis) throws IOException;

    /**
     * The source's second channel: one kernel uevent (NETLINK_KOBJECT_UEVENT datagram), without
     * blocking. A source with uevents makes {@link #receive} return 0 early when one is ready.
     *
     * @param buf where to put it
     * @return its length; 0 when none is ready; -1 when this source has no uevent channel
     * @throws IOException on a failure the listener cannot go on from
     */
    default int receiveUevent(byte[] buf) throws IOException {
        return -1;
    }

    /** @return ENOBUFS seen on the uevent channel (uevents lost) */
    default long ueventEnobufs() {
        return 0;
    }

    /** @return ENOBUFS seen on receive (overrun notifications) */
    default long enobufs() {
        return 0;
    }

    /** @return messages dropped because the kernel did not send them */
    default long nonKernelSenders() {
        return 0;
    }

    /** @return datagrams larger than the receive buffer (MSG_TRUNC), dropped */
    default long truncated() {
        return 0;
    }

    /** @return growth of the kernel's lost counter since the source opened; empty when unknown */
    default OptionalLong kernelLostDelta() {
        return OptionalLong.empty();
    }

    /** @return whether the kernel has auditing enabled now, or null when the source cannot tell */
    default Boolean auditEnabled() {
        return null;
    }

    /** Closes the source, restoring whatever kernel state it changed. Idempotent. */
    @Override
    void close();
}
