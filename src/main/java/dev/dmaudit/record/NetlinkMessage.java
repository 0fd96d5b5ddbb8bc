package dev.dmaudit.record;

/**
 * One netlink message inside a received datagram: the header fields as received and a view of the
 * payload in the caller's buffer (not copied; valid until the buffer is reused).
 *
 * @param headerLength  {@code nlmsg_len} as received (may be the payload length only, see
 *                      {@link NetlinkFrames})
 * @param type          {@code nlmsg_type}
 * @param flags         {@code nlmsg_flags}
 * @param seq           {@code nlmsg_seq}
 * @param pid           {@code nlmsg_pid} (port id)
 * @param buffer        the datagram buffer
 * @param payloadOffset offset of the payload in {@code buffer}
 * @param payloadLength payload length in bytes
 */
public record NetlinkMessage(int headerLength, int type, int flags, int seq, int pid,
                             byte[] buffer, int payloadOffset, int payloadLength) {
    /** NLMSG_NOOP. */
    public static final int NLMSG_NOOP = 1;
    /** NLMSG_ERROR: an error or, with error 0, an acknowledgement. */
    public static final int NLMSG_ERROR = 2;
    /** NLMSG_DONE: end of a multi-part reply. */
    public static final int NLMSG_DONE = 3;
    /** NLMSG_OVERRUN. */
    public static final int NLMSG_OVERRUN = 4;
    /** Size of struct nlmsghdr. */
    public static final int HEADER_SIZE = 16;

    /** @return true for NLMSG_ERROR with error 0 */
    public boolean isAck() {
        return type == NLMSG_ERROR && errorCode() == 0;
    }

    /**
     * @return for NLMSG_ERROR, the (negative) errno the kernel reported, 0 for an ack
     * @throws MalformedRecordException when this is not an NLMSG_ERROR or it is too short
     */
    public int errorCode() {
        if (type != NLMSG_ERROR || payloadLength < 4) {
            throw new MalformedRecordException("not an NLMSG_ERROR with an error code", payloadOffset);
        }
        return leadingInt();
    }

    /**
     * @return the payload's first 4 bytes as a native-order int: NLMSG_ERROR's error, AUDIT_REPLACE's pid
     * @throws MalformedRecordException when the payload is shorter than 4 bytes
     */
    public int leadingInt() {
        if (payloadLength < 4) {
            throw new MalformedRecordException("payload shorter than 4 bytes", payloadOffset);
        }
        return NetlinkFrames.readInt(buffer, payloadOffset);
    }

    /** @return a copy of the payload */
    public byte[] payload() {
        byte[] p = new byte[payloadLength];
        System.arraycopy(buffer, payloadOffset, p, 0, payloadLength);
        return p;
    }
}
