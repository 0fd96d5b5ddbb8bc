package dev.dmaudit.record;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a received NETLINK_AUDIT datagram into messages.
 *
 * <p>Two length conventions exist. Multicast copies carry a correct {@code nlmsg_len}. The copy
 * the kernel unicasts to the registered audit daemon carries the payload length only (16 bytes
 * short), so for audit records — which the kernel always sends one per datagram — the message
 * extends to the end of the datagram whatever {@code nlmsg_len} says. Control replies (types
 * below 1100 and NLMSG_*) may be batched and are split by {@code nlmsg_len}, 4-byte aligned.
 */
public final class NetlinkFrames {
    /** Receives each message of a datagram; the payload view is valid only during the call. */
    @FunctionalInterface
    public interface Visitor {
        /** @param message one message of the datagram */
        void message(NetlinkMessage message);
    }

    private NetlinkFrames() {
    }

    /**
     * Visits every message of a datagram.
     *
     * @param buf     the buffer holding the datagram
     * @param offset  where the datagram starts
     * @param length  the datagram size returned by recv
     * @param visitor receives each message
     * @return the number of messages
     * @throws MalformedRecordException on a truncated or inconsistent datagram
     */
    public static int forEach(byte[] buf, int offset, int length, Visitor visitor) {
        if (buf == null || offset < 0 || length < 0 || offset > buf.length - length) {
            throw new MalformedRecordException("datagram bounds outside the buffer", offset);
        }
        int end = offset + length;
        int pos = offset;
        int count = 0;
        while (end - pos >= NetlinkMessage.HEADER_SIZE) {
            int len = readInt(buf, pos);
            int type = readShort(buf, pos + 4);
            int flags = readShort(buf, pos + 6);
            int seq = readInt(buf, pos + 8);
            int pid = readInt(buf, pos + 12);
            int remaining = end - pos;
            int payloadOffset = pos + NetlinkMessage.HEADER_SIZE;
            int payloadLength;
            int advance;
            if (isAuditRecord(type)) {
                // One record per datagram: trust the datagram size (daemon copies have a short nlmsg_len).
                if (len < 0 || len > remaining) {
                    throw new MalformedRecordException("nlmsg_len " + len + " exceeds the datagram", pos);
                }
                payloadLength = remaining - NetlinkMessage.HEADER_SIZE;
                advance = remaining;
            } else {
                if (len < NetlinkMessage.HEADER_SIZE || len > remaining) {
                    throw new MalformedRecordException("bad nlmsg_len " + len + " (" + remaining + " bytes left)", pos);
                }
                payloadLength = len - NetlinkMessage.HEADER_SIZE;
                advance = Math.min(align4(len), remaining);
            }
            visitor.message(new NetlinkMessage(len, type, flags, seq, pid, buf, payloadOffset, payloadLength));
            count++;
            pos += advance;
        }
        if (end - pos > 0 && count == 0) {
            throw new MalformedRecordException("datagram shorter than a netlink header", pos);
        }
        if (end - pos >= 4) {
            throw new MalformedRecordException("trailing bytes after the last message", pos);
        }
        return count;
    }

    /**
     * Convenience form of {@link #forEach}: copies each message's payload.
     *
     * @param buf    the datagram
     * @param length its size
     * @return the messages, with payloads still pointing into {@code buf}
     */
    public static List<NetlinkMessage> split(byte[] buf, int length) {
        List<NetlinkMessage> out = new ArrayList<>(1);
        forEach(buf, 0, length, out::add);
        return out;
    }

    /**
     * @param type a netlink message type
     * @return true for audit records (kernel or user messages), false for NLMSG_* and control replies.
     *     Two types below 1100 are records, not commands: USER (1005, what {@code auditctl -m} sends)
     *     and LOGIN (1006, the kernel's loginuid change); the rest of 1000-1099 are requests and replies
     */
    public static boolean isAuditRecord(int type) {
        return type >= RecordTypes.FIRST_USER_MSG || type == RecordTypes.USER || type == RecordTypes.LOGIN;
    }

    static int align4(int n) {
        return (n + 3) & ~3;
    }

    /** Little-endian (host order on x86-64 and aarch64) 32-bit read. */
    static int readInt(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    static int readShort(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }
}
