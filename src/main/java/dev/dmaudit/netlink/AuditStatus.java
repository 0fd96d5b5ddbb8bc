package dev.dmaudit.netlink;

import dev.dmaudit.record.MalformedRecordException;

/**
 * {@code struct audit_status}, as AUDIT_GET returns it and AUDIT_SET takes it. The struct grew
 * over kernel versions (feature_bitmap in 3.19, backlog_wait_time in 3.14,
 * backlog_wait_time_actual in 5.9): {@link #decode} reads only the fields the reply's length
 * covers and {@link #fieldCount()} tells how many there were. Absent fields read as 0.
 * All fields are host-order (little-endian on x86-64/aarch64) u32.
 *
 * @param fieldCount            how many leading u32 fields the reply carried (1..11)
 * @param mask                  AUDIT_STATUS_* bits (meaningful in AUDIT_SET)
 * @param enabled               0 off, 1 on, 2 locked
 * @param failure               failure mode (0 silent, 1 printk, 2 panic)
 * @param pid                   the registered audit daemon's pid, 0 when none
 * @param rateLimit             messages per second, 0 unlimited
 * @param backlogLimit          the kernel queue limit
 * @param lost                  records the kernel dropped (see {@link AuditTransport#kernelLostDelta()}
 *                              for what it does and does not count), unsigned
 * @param backlog               records queued in the kernel now
 * @param featureBitmap         AUDIT_FEATURE_BITMAP_* (the "version" union member)
 * @param backlogWaitTime       jiffies a task may wait for queue space
 * @param backlogWaitTimeActual jiffies tasks actually waited (since reset)
 */
public record AuditStatus(int fieldCount, int mask, int enabled, int failure, int pid, int rateLimit,
                          int backlogLimit, long lost, int backlog, int featureBitmap,
                          int backlogWaitTime, long backlogWaitTimeActual) {
    /** AUDIT_STATUS_ENABLED. */
    public static final int MASK_ENABLED = 0x0001;
    /** AUDIT_STATUS_FAILURE. */
    public static final int MASK_FAILURE = 0x0002;
    /** AUDIT_STATUS_PID. */
    public static final int MASK_PID = 0x0004;
    /** AUDIT_STATUS_RATE_LIMIT. */
    public static final int MASK_RATE_LIMIT = 0x0008;
    /** AUDIT_STATUS_BACKLOG_LIMIT. */
    public static final int MASK_BACKLOG_LIMIT = 0x0010;
    /** AUDIT_STATUS_BACKLOG_WAIT_TIME. */
    public static final int MASK_BACKLOG_WAIT_TIME = 0x0020;
    /** AUDIT_STATUS_LOST (reset the counter). */
    public static final int MASK_LOST = 0x0040;

    /** Number of u32 fields of the struct as of Linux 5.9+. */
    public static final int FIELDS = 11;
    /** Size of the full struct in bytes. */
    public static final int SIZE = FIELDS * 4;
    /** Field index of feature_bitmap (present when {@code fieldCount > 8}). */
    public static final int FIELD_FEATURE_BITMAP = 8;
    /** Field index of backlog_wait_time. */
    public static final int FIELD_BACKLOG_WAIT_TIME = 9;
    /** Field index of backlog_wait_time_actual. */
    public static final int FIELD_BACKLOG_WAIT_TIME_ACTUAL = 10;

    /** @return a status with every field 0, as a base for {@link #encodeSet} */
    public static AuditStatus empty() {
        return new AuditStatus(FIELDS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Decodes the payload of an AUDIT_GET reply.
     *
     * @param buf the buffer
     * @param off where the payload starts
     * @param len the payload length; fields past it are absent (0)
     * @return the status
     * @throws MalformedRecordException when the payload is shorter than the first 7 fields (up to
     *                                  {@code lost}), which every kernel since 2.6 sends
     */
    public static AuditStatus decode(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new MalformedRecordException("audit_status bounds outside the buffer", off);
        }
        int n = Math.min(len / 4, FIELDS);
        if (n < 7) {
            throw new MalformedRecordException("audit_status too short: " + len + " bytes", off);
        }
        int[] f = new int[FIELDS];
        for (int i = 0; i < n; i++) {
            int p = off + 4 * i;
            f[i] = (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8 | (buf[p + 2] & 0xff) << 16 | (buf[p + 3] & 0xff) << 24;
        }
        return new AuditStatus(n, f[0], f[1], f[2], f[3], f[4], f[5], Integer.toUnsignedLong(f[6]), f[7], f[8],
                f[9], Integer.toUnsignedLong(f[10]));
    }

    /**
     * Encodes an AUDIT_SET payload: the full struct with {@code mask}; the kernel applies only
     * the fields whose mask bit is set (and copies at most its own struct size).
     *
     * @param mask   AUDIT_STATUS_* bits
     * @param values the values for the masked fields
     * @return 44 bytes
     */
    public static byte[] encodeSet(int mask, AuditStatus values) {
        int[] f = {mask, values.enabled, values.failure, values.pid, values.rateLimit, values.backlogLimit,
            (int) values.lost, values.backlog, values.featureBitmap, values.backlogWaitTime,
            (int) values.backlogWaitTimeActual};
        byte[] out = new byte[SIZE];
        for (int i = 0; i < FIELDS; i++) {
            int v = f[i];
            out[4 * i] = (byte) v;
            out[4 * i + 1] = (byte) (v >>> 8);
            out[4 * i + 2] = (byte) (v >>> 16);
            out[4 * i + 3] = (byte) (v >>> 24);
        }
        return out;
    }

    /**
     * @param field a field index (0 = mask .. 10 = backlog_wait_time_actual)
     * @return true when the kernel's reply carried that field
     */
    public boolean has(int field) {
        return field < fieldCount;
    }

    /** @return true when the kernel produces records now (enabled 1, or 2 = locked on) */
    public boolean auditEnabled() {
        return enabled != 0;
    }

    /**
     * @param v enabled value (0 off, 1 on, 2 locked)
     * @return a copy with it
     */
    public AuditStatus withEnabled(int v) {
        return new AuditStatus(fieldCount, mask, v, failure, pid, rateLimit, backlogLimit, lost, backlog,
                featureBitmap, backlogWaitTime, backlogWaitTimeActual);
    }

    /**
     * @param v daemon pid (0 to unregister, with {@link #MASK_PID})
     * @return a copy with it
     */
    public AuditStatus withPid(int v) {
        return new AuditStatus(fieldCount, mask, enabled, failure, v, rateLimit, backlogLimit, lost, backlog,
                featureBitmap, backlogWaitTime, backlogWaitTimeActual);
    }

    /**
     * @param v backlog limit
     * @return a copy with it
     */
    public AuditStatus withBacklogLimit(int v) {
        return new AuditStatus(fieldCount, mask, enabled, failure, pid, rateLimit, v, lost, backlog,
                featureBitmap, backlogWaitTime, backlogWaitTimeActual);
    }
}
