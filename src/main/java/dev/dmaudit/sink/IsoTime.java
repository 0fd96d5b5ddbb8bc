package dev.dmaudit.sink;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Event times as {@link Instant#toString()} writes them ({@code 2026-11-28T04:04:49.008Z}, no
 * fraction at a whole second), as ASCII bytes, without formatting each one afresh: the date and
 * time of day are formatted once per second and only the milliseconds are written per event
 * (Instant.toString was an eighth of the JSON output's CPU on a log whose every line had its own
 * millisecond). One per writer or thread: not thread-safe.
 */
final class IsoTime {
    /** The formatted second without its 'Z' ("2026-11-28T04:04:49"), or null. */
    private byte[] prefix;
    private long second = Long.MIN_VALUE;
    private final byte[] out = new byte[64];
    private int length;

    /**
     * Formats a time into {@link #bytes()}[0, {@link #length()}).
     *
     * @param millis epoch milliseconds
     */
    void format(long millis) {
        long s = Math.floorDiv(millis, 1000);
        int ms = (int) Math.floorMod(millis, 1000);
        if (s != second) {
            String text = Instant.ofEpochSecond(s).toString(); // ends with Z
            prefix = text.substring(0, text.length() - 1).getBytes(StandardCharsets.US_ASCII);
            second = s;
        }
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        int n = prefix.length;
        if (ms != 0) {
            out[n++] = '.';
            out[n++] = (byte) ('0' + ms / 100);
            out[n++] = (byte) ('0' + ms / 10 % 10);
            out[n++] = (byte) ('0' + ms % 10);
        }
        out[n++] = 'Z';
        length = n;
    }

    /** @return the buffer holding the last formatted time */
    byte[] bytes() {
        return out;
    }

    /** @return its length */
    int length() {
        return length;
    }

    /**
     * @param b      where to append the time
     * @param millis epoch milliseconds
     * @return b
     */
    StringBuilder appendTo(StringBuilder b, long millis) {
        format(millis);
        for (int i = 0; i < length; i++) {
            b.append((char) out[i]);
        }
        return b;
    }

    /**
     * @param millis epoch milliseconds
     * @return the time as text
     */
    String text(long millis) {
        format(millis);
        return new String(out, 0, length, StandardCharsets.US_ASCII);
    }
}
