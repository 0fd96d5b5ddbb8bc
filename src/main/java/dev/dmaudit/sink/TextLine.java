package dev.dmaudit.sink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One line of the text output as it is made, already in UTF-8: the text writer formats into it and
 * the line buffer takes it in one copy. It replaces a StringBuilder whose chars were then copied to
 * bytes one by one, and whose appends (a char at a time for the time) were a third of the text
 * output's CPU (issue 15). ASCII, nearly all of it, is stored byte for byte; other text is encoded
 * with {@code String.getBytes(UTF_8)}, as the line buffer did. Not thread-safe.
 */
final class TextLine {
    private byte[] b;
    private int n;

    /** @param capacity initial size in bytes */
    TextLine(int capacity) {
        b = new byte[capacity];
    }

    /**
     * @param s text; "null" for null, as StringBuilder writes it
     * @return this
     */
    TextLine append(String s) {
        if (s == null) {
            s = "null";
        }
        int len = s.length();
        ensure(len);
        int ascii = copyAscii(s, b, n);
        n += ascii;
        return ascii == len ? this : bytes(s.substring(ascii).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Copies the ASCII chars that start s, byte for byte: the fast path of both UTF-8 encoders of
     * the text outputs (this line, and {@link LineBuffer#text}).
     *
     * @param dst where they go, with room for all of s from {@code at}
     * @return how many were copied: {@code s.length()} when s is all ASCII
     */
    static int copyAscii(CharSequence s, byte[] dst, int at) {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return i;
            }
            dst[at + i] = (byte) c;
        }
        return len;
    }

    /**
     * @param c a character (not half of a surrogate pair)
     * @return this
     */
    TextLine append(char c) {
        if (c >= 0x80) {
            return append(String.valueOf(c));
        }
        ensure(1);
        b[n++] = (byte) c;
        return this;
    }

    /**
     * @param v a number, written in decimal as {@link Long#toString(long)} writes it
     * @return this
     */
    TextLine append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        ensure(digits);
        int p = n + digits;
        n = p;
        do {
            b[--p] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return this;
    }

    /**
     * Appends bytes the caller knows to be UTF-8.
     *
     * @return this
     */
    TextLine append(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, b, n, len);
        n += len;
        return this;
    }

    private TextLine bytes(byte[] src) {
        return append(src, 0, src.length);
    }

    private void ensure(int more) {
        if (more > b.length - n) {
            b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
        }
    }

    /** Empties the line; a buffer grown past {@code limit} bytes by one huge line is let go. */
    void clear(int limit) {
        n = 0;
        if (b.length > limit) {
            b = new byte[256];
        }
    }

    /** @return the buffer, holding the line in [0, {@link #length()}) */
    byte[] bytes() {
        return b;
    }

    /** @return the line's length in bytes */
    int length() {
        return n;
    }

    /** @return the line as text */
    @Override
    public String toString() {
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
