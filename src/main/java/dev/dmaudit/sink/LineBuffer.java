package dev.dmaudit.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of the text and raw outputs on their way to the stream: lines are appended here and
 * written out in blocks of about 64 KiB, and at {@link #flush}. It replaces a BufferedWriter over
 * an OutputStreamWriter, whose char-to-byte encoder cost about as much as formatting the line
 * (issue 15): ASCII, nearly all of audit text, is copied byte for byte; anything else goes through
 * {@code String.getBytes(UTF_8)}, which encodes as that writer did (an unpaired surrogate becomes
 * {@code ?}). Not thread-safe: one per writer.
 */
final class LineBuffer {
    /** Written out once this much is buffered: the old writer's block, one write(2) each. */
    static final int BLOCK = 1 << 16;
    private final OutputStream out;
    private byte[] buf = new byte[BLOCK + 1024];
    private int n;
    /** The stream's first failure: every later write fails with it (what was buffered is lost, never counted as written). */
    private IOException failure;

    /** @param out where the bytes go (flushed, never closed, here) */
    LineBuffer(OutputStream out) {
        this.out = out;
    }

    /**
     * Appends text as UTF-8.
     *
     * @param s the text
     */
    void text(CharSequence s) {
        int len = s.length();
        ensure(len);
        int ascii = TextLine.copyAscii(s, buf, n);
        n += ascii;
        if (ascii < len) {
            bytes(s.subSequence(ascii, len).toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Appends bytes as they are (the caller knows them to be the output's encoding).
     *
     * @param b   the bytes
     * @param off where they start
     * @param len how many
     */
    void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    private void bytes(byte[] b) {
        bytes(b, 0, b.length);
    }

    /**
     * Ends a line; writes the buffer out once a block is full.
     *
     * @throws IOException when the stream fails
     */
    void endLine() throws IOException {
        ensure(1);
        buf[n++] = '\n';
        if (n >= BLOCK) {
            writeOut();
        }
    }

    /**
     * Makes room for {@code len} more bytes.
     *
     * @param len bytes about to be appended
     * @return the buffer to append to, from {@link #length()} on
     */
    byte[] ensure(int len) {
        if (len > buf.length - n) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + len));
        }
        return buf;
    }

    /** @return bytes buffered */
    int length() {
        return n;
    }

    /** @param len the new number of bytes buffered, after appending straight into {@link #ensure}'s buffer */
    void length(int len) {
        n = len;
    }

    /** @throws IOException when the stream fails */
    void flush() throws IOException {
        writeOut();
        out.flush();
    }

    private void writeOut() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (n > 0) {
            try {
                out.write(buf, 0, n);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            n = 0;
            if (buf.length > 4 * BLOCK) {
                buf = new byte[BLOCK + 1024]; // one huge line does not keep its buffer
            }
        }
    }
}
