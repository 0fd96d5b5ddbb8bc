package dev.dmaudit.record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a kernel uevent datagram ({@code ACTION@DEVPATH\0KEY=VALUE\0...}, built by the kernel's
 * {@code kobject_uevent_env}: at most 64 variables in a 2048-byte buffer). Pure Java, no state.
 *
 * <p>On bad input it throws {@link MalformedRecordException} and nothing else: a datagram larger
 * than {@link #MAX_DATAGRAM}, a header without {@code @}, a variable without {@code =} or with an
 * empty name, more than {@link #MAX_VARIABLES} variables, a control character (below 0x20, or
 * 0x7f) anywhere, or a non-ASCII byte in a name. Text is decoded as UTF-8 (invalid sequences become
 * U+FFFD). The kernel writes only such uevents; udevd's rebroadcasts (group 2, a {@code libudev}
 * binary header) are not kernel uevents and are refused as malformed.
 */
public final class UeventParser {
    /** Larger than the kernel's uevent buffer (UEVENT_BUFFER_SIZE, 2048) with room to spare. */
    public static final int MAX_DATAGRAM = 8192;
    /** Twice the kernel's UEVENT_NUM_ENVP (64). */
    public static final int MAX_VARIABLES = 128;

    private UeventParser() {
    }

    /**
     * @param buf the datagram
     * @param off where it starts
     * @param len its length
     * @return the uevent
     * @throws MalformedRecordException when it is not a well-formed kernel uevent
     */
    public static Uevent parse(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new MalformedRecordException("bad buffer bounds", -1);
        }
        if (len > MAX_DATAGRAM) {
            throw new MalformedRecordException("uevent of " + len + " bytes, more than " + MAX_DATAGRAM, 0);
        }
        int end = off + len;
        int headerEnd = nul(buf, off, end);
        int at = -1;
        for (int i = off; i < headerEnd; i++) {
            if (buf[i] == '@') {
                at = i;
                break;
            }
        }
        if (at <= off || at == headerEnd - 1) {
            throw new MalformedRecordException("uevent header is not ACTION@DEVPATH", 0);
        }
        String action = text(buf, off, at, off);
        String devpath = text(buf, at + 1, headerEnd, off);
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        int p = headerEnd + 1;
        while (p < end) {
            int e = nul(buf, p, end);
            if (e == p) { // an empty string: only padding may follow
                p++;
                continue;
            }
            if (keys.size() == MAX_VARIABLES) {
                throw new MalformedRecordException("more than " + MAX_VARIABLES + " uevent variables", p - off);
            }
            int eq = -1;
            for (int i = p; i < e; i++) {
                byte b = buf[i];
                if (b == '=') {
                    eq = i;
                    break;
                }
                if (b < 0x21 || b > 0x7e) {
                    throw new MalformedRecordException("uevent variable name with byte 0x"
                            + Integer.toHexString(b & 0xff), i - off);
                }
            }
            if (eq <= p) {
                throw new MalformedRecordException("uevent variable without a name or '='", p - off);
            }
            keys.add(new String(buf, p, eq - p, StandardCharsets.US_ASCII));
            values.add(text(buf, eq + 1, e, off));
            p = e + 1;
        }
        return new Uevent(action, devpath, keys, values);
    }

    /** @return the index of the next NUL in [from, end), or end when there is none (last string unterminated) */
    private static int nul(byte[] buf, int from, int end) {
        for (int i = from; i < end; i++) {
            if (buf[i] == 0) {
                return i;
            }
        }
        return end;
    }

    private static String text(byte[] buf, int from, int to, int base) {
        for (int i = from; i < to; i++) {
            int b = buf[i] & 0xff;
            if (b < 0x20 || b == 0x7f) {
                throw new MalformedRecordException("uevent text with byte 0x" + Integer.toHexString(b), i - base);
            }
        }
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }
}
