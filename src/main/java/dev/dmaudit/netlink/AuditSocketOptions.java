package dev.dmaudit.netlink;

import java.util.Arrays;

/**
 * Options of {@link AuditSocket#open}. Start from {@link #defaults()} and use the withers.
 *
 * @param receiveBufferBytes  socket receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF capped by
 *                            net.core.rmem_max); 0 leaves the kernel default
 * @param acceptTypes         record types to let through the kernel-side BPF filter, or null for
 *                            all; NLMSG_ERROR/DONE, AUDIT_GET replies and (daemon mode)
 *                            AUDIT_REPLACE always pass
 * @param enableAudit         turn audit on (AUDIT_SET enabled 1) at open when it is off; restored
 *                            on close
 * @param backlogLimit        set the kernel backlog_limit at open (0 = leave it); restored on close
 * @param maxDatagram         largest datagram accepted (bigger ones count as truncated)
 * @param controlTimeoutMillis how long to wait for the kernel's answer to a control request
 */
public record AuditSocketOptions(int receiveBufferBytes, int[] acceptTypes, boolean enableAudit, int backlogLimit,
                                 int maxDatagram, int controlTimeoutMillis) {
    /** MAX_AUDIT_MESSAGE_LENGTH (8970) plus the header, rounded up. */
    public static final int DEFAULT_MAX_DATAGRAM = 9 * 1024;

    /**
     * Validates the options and copies {@code acceptTypes}.
     *
     * @param receiveBufferBytes   socket receive buffer in bytes, 0 for the kernel default
     * @param acceptTypes          record types to let through the filter, or null for all
     * @param enableAudit          turn audit on at open when it is off
     * @param backlogLimit         kernel backlog_limit to set at open, 0 to leave it
     * @param maxDatagram          largest datagram accepted, at least 64
     * @param controlTimeoutMillis how long to wait for a control reply, more than 0
     * @throws IllegalArgumentException when a value is out of range
     */
    public AuditSocketOptions {
        if (receiveBufferBytes < 0 || backlogLimit < 0 || maxDatagram < 64 || controlTimeoutMillis <= 0) {
            throw new IllegalArgumentException("bad transport options");
        }
        acceptTypes = acceptTypes == null ? null : acceptTypes.clone();
    }

    /** @return 4 MiB receive buffer, no filter, audit left as it is, 2 s control timeout */
    public static AuditSocketOptions defaults() {
        return new AuditSocketOptions(4 << 20, null, false, 0, DEFAULT_MAX_DATAGRAM, 2000);
    }

    /**
     * @param bytes receive buffer in bytes, 0 for the kernel default
     * @return a copy with it
     */
    public AuditSocketOptions withReceiveBuffer(int bytes) {
        return new AuditSocketOptions(bytes, acceptTypes, enableAudit, backlogLimit, maxDatagram, controlTimeoutMillis);
    }

    /**
     * @param types accepted record types, or null for all
     * @return a copy with them
     */
    public AuditSocketOptions withAcceptTypes(int... types) {
        return new AuditSocketOptions(receiveBufferBytes, types, enableAudit, backlogLimit, maxDatagram, controlTimeoutMillis);
    }

    /**
     * @param on enable audit at open (restored on close)
     * @return a copy with it
     */
    public AuditSocketOptions withEnableAudit(boolean on) {
        return new AuditSocketOptions(receiveBufferBytes, acceptTypes, on, backlogLimit, maxDatagram, controlTimeoutMillis);
    }

    /**
     * @param limit backlog limit to set at open, 0 to leave it
     * @return a copy with it
     */
    public AuditSocketOptions withBacklogLimit(int limit) {
        return new AuditSocketOptions(receiveBufferBytes, acceptTypes, enableAudit, limit, maxDatagram, controlTimeoutMillis);
    }

    /**
     * @param millis control timeout in milliseconds
     * @return a copy with it
     */
    public AuditSocketOptions withControlTimeout(int millis) {
        return new AuditSocketOptions(receiveBufferBytes, acceptTypes, enableAudit, backlogLimit, maxDatagram, millis);
    }

    /** @return a copy of the accepted record types, or null for all */
    @Override
    public int[] acceptTypes() {
        return acceptTypes == null ? null : acceptTypes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditSocketOptions x && x.receiveBufferBytes == receiveBufferBytes
                && Arrays.equals(x.acceptTypes, acceptTypes) && x.enableAudit == enableAudit
                && x.backlogLimit == backlogLimit && x.maxDatagram == maxDatagram
                && x.controlTimeoutMillis == controlTimeoutMillis;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(acceptTypes) + receiveBufferBytes + backlogLimit;
    }

    @Override
    public String toString() {
        return "AuditSocketOptions[receiveBufferBytes=" + receiveBufferBytes + ", acceptTypes="
                + Arrays.toString(acceptTypes) + ", enableAudit=" + enableAudit + ", backlogLimit=" + backlogLimit
                + ", maxDatagram=" + maxDatagram + ", controlTimeoutMillis=" + controlTimeoutMillis + "]";
    }
}
