package dev.dmaudit.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads '\n'-separated lines as bytes (audit text is not guaranteed UTF-8), with a length cap so
 * one endless line cannot exhaust memory: the excess is skipped and the line flagged.
 */
final class LineReader {
    private final InputStream in;
    private final int max;
    private byte[] buf = new byte[8192];
    private boolean truncated;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.max = maxLineBytes;
    }

    /** @return the next line without its newline, or null at end of input */
    byte[] next() throws IOException {
        int n = 0;
        truncated = false;
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                return Arrays.copyOf(buf, n);
            }
            if (n >= max) {
                truncated = true;
                continue;
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(max, buf.length * 2));
            }
            buf[n++] = (byte) c;
        }
        return n == 0 && !truncated ? null : Arrays.copyOf(buf, n);
    }

    /** @return true when the last line exceeded the cap */
    boolean lastWasTruncated() {
        return truncated;
    }
}
