package dev.dmaudit.sink;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Event times as {@link Instant#toString()} writes them ({@code 2026-11-28T04:04:49.008Z}, no
 * fraction at a whole second), as ASCII bytes, without formatting each one afresh: the date and
 * time of day are computed once per second and only the milliseconds are written per event
 * (Instant.toString was an eighth of the JSON output's CPU on a log whose every line had its own
 * millisecond). The date is computed here, not by Instant.toString: events of real logs change
 * second nearly every time, and Instant.toString per second was still a tenth of a mixed log's
 * {@code --all} text CPU. One per writer or thread: not thread-safe.
 */
final class IsoTime {
    /** Seconds from 0000-01-01T00:00:00Z to 10000-01-01: four-digit years, computed here; the rest by Instant. */
    private static final long MIN_FAST = -62167219200L;
    private static final long END_FAST = 253402300800L;
    /** The formatted second without its 'Z' ("2026-11-28T04:04:49"), in out[0, prefixLength). */
    private int prefixLength;
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
            prefixLength = s >= MIN_FAST && s < END_FAST ? civil(s) : slow(s);
            second = s;
        }
        int n = prefixLength;
        if (ms != 0) {
            out[n++] = '.';
            out[n++] = (byte) ('0' + ms / 100);
            out[n++] = (byte) ('0' + ms / 10 % 10);
            out[n++] = (byte) ('0' + ms % 10);
        }
        out[n++] = 'Z';
        length = n;
    }

    /** Instant's own text for years it writes with a sign or more than four digits. */
    private int slow(long s) {
        String text = Instant.ofEpochSecond(s).toString(); // ends with Z
        byte[] b = text.substring(0, text.length() - 1).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, b.length);
        return b.length;
    }

    /**
     * Writes {@code yyyy-MM-ddTHH:mm:ss} of a second in years 0 to 9999 into out (the proleptic
     * Gregorian calendar, as Instant: days to civil date by H. Hinnant's algorithm).
     */
    private int civil(long s) {
        long days = Math.floorDiv(s, 86400);
        int sod = (int) Math.floorMod(s, 86400);
        long z = days + 719468; // days since 0000-03-01
        long era = Math.floorDiv(z, 146097);
        int doe = (int) (z - era * 146097);
        int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);
        byte[] o = out;
        o[0] = (byte) ('0' + year / 1000);
        o[1] = (byte) ('0' + year / 100 % 10);
        o[2] = (byte) ('0' + year / 10 % 10);
        o[3] = (byte) ('0' + year % 10);
        o[4] = '-';
        two(o, 5, month);
        o[7] = '-';
        two(o, 8, day);
        o[10] = 'T';
        two(o, 11, sod / 3600);
        o[13] = ':';
        two(o, 14, sod / 60 % 60);
        o[16] = ':';
        two(o, 17, sod % 60);
        return 19;
    }

    private static void two(byte[] o, int at, int v) {
        o[at] = (byte) ('0' + v / 10);
        o[at + 1] = (byte) ('0' + v % 10);
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
    TextLine appendTo(TextLine b, long millis) {
        format(millis);
        return b.append(out, 0, length);
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
