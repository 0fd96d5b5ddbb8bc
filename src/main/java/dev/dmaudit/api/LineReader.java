package dev.dmaudit.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads '\n'-separated lines as bytes (audit text is not guaranteed UTF-8), with a length cap so
 * one endless line cannot exhaust memory: the excess is skipped and the line flagged. Reads the
 * input in 64 KiB blocks and scans them for newlines (a byte-at-a-time {@code read()} through a
 * buffered stream cost more than parsing the line).
 */
final class LineReader {
    private final InputStream in;
    private final int max;
    private final byte[] block = new byte[1 << 16];
    private int pos;
    private int end;
    private boolean eof;
    private byte[] line = new byte[8192];
    private boolean truncated;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.max = maxLineBytes;
    }

    /** @return the next line without its newline, or null at end of input */
    byte[] next() throws IOException {
        int n = 0;
        truncated = false;
        boolean any = false;
        while (true) {
            if (pos == end) {
                if (eof || !fill()) {
                    return n == 0 && !truncated && !any ? null : Arrays.copyOf(line, n);
                }
            }
            any = true;
            int nl = pos;
            while (nl < end && block[nl] != '\n') {
                nl++;
            }
            if (n == 0 && nl < end && nl - pos <= max) {
                // The whole line lies in the block (nearly every line): one copy, not two.
                byte[] whole = Arrays.copyOfRange(block, pos, nl);
                pos = nl + 1;
                return whole;
            }
            n = append(n, pos, nl);
            if (nl < end) {
                pos = nl + 1;
                return Arrays.copyOf(line, n);
            }
            pos = end;
        }
    }

    /** Appends block[from, to) to the line, up to the cap; beyond it the line is only flagged. */
    private int append(int n, int from, int to) {
        int take = Math.min(to - from, max - n);
        if (take < to - from) {
            truncated = true;
        }
        if (take > 0) {
            if (n + take > line.length) {
                line = Arrays.copyOf(line, Math.min(max, Math.max(n + take, line.length * 2)));
            }
            System.arraycopy(block, from, line, n, take);
            n += take;
        }
        return n;
    }

    private boolean fill() throws IOException {
        int r = in.read(block, 0, block.length);
        if (r <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        end = r;
        return true;
    }

    /** @return true when the last line exceeded the cap */
    boolean lastWasTruncated() {
        return truncated;
    }
}
