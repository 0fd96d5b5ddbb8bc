package dev.dmaudit.sink;

import com.fasterxml.jackson.core.SerializableString;
import dev.dmaudit.record.AuditFields;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A record's field pairs, {@code [["k","v"],…]}, encoded into one byte buffer that the JSON
 * generator copies as one raw value. Per pair, Jackson's generator would check its context and
 * escape each string in six calls; these bytes are escaped exactly as its UTF-8 generator does
 * with {@code ESCAPE_NON_ASCII} (quote, backslash, the five short escapes, other controls and
 * every char above U+007F as {@code \}{@code uXXXX} with upper-case hex), which JsonPairsTest
 * checks against the generator itself. Issue 15: the pairs were most of the JSON writer's time.
 *
 * <p>Not thread-safe: one per writer, reused for every record.
 */
final class JsonPairs implements SerializableString {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Per ASCII byte: 0 copied as is, a letter for its short escape, 'u' for {@code \}{@code u00XX}. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\f'] = 'f';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
    }

    private byte[] buf = new byte[8192];
    private int len;
    /** A field's key or value bytes as the record has them, checked for ASCII before use. */
    private final byte[] scratch = new byte[4096];

    /**
     * Encodes the pairs of {@code f}, replacing what was encoded before.
     *
     * @param f a record's fields (or its enriched trailer)
     * @return this, holding the array's bytes
     */
    JsonPairs encode(AuditFields f) {
        len = 0;
        put((byte) '[');
        for (int i = 0; i < f.size(); i++) {
            if (i > 0) {
                put((byte) ',');
            }
            put((byte) '[');
            if (!quotedAscii(f.keyBytes(i, scratch))) {
                quoted(f.key(i));
            }
            put((byte) ',');
            if (!quotedAscii(f.valueBytes(i, scratch))) {
                quoted(f.value(i)); // decoded hex, or non-ASCII
            }
            put((byte) ']');
        }
        put((byte) ']');
        return this;
    }

    /** @return the number of bytes encoded */
    int length() {
        return len;
    }

    /**
     * Appends scratch[0, n) quoted when it is n ≥ 0 ASCII bytes, checking and escaping in one pass.
     *
     * @return false, with nothing appended, when n is negative or a byte is not ASCII
     */
    private boolean quotedAscii(int n) {
        if (n < 0) {
            return false;
        }
        ensure(2 + 6 * n); // the worst case: every byte a control byte
        byte[] b = buf;
        byte[] src = scratch;
        int p = len;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            byte c = src[i];
            if (c < 0) {
                return false; // len not moved: what was written is dropped
            }
            p = ascii(b, p, c);
        }
        b[p++] = '"';
        len = p;
        return true;
    }

    private void quoted(String s) {
        int n = s.length();
        ensure(2 + 6 * n);
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            p = c < 0x80 ? ascii(b, p, c) : unicode(b, p, c);
        }
        b[p++] = '"';
        len = p;
    }

    /** One ASCII char (0 to 0x7f) at b[p], escaped when it must be; returns the next position. */
    private static int ascii(byte[] b, int p, int c) {
        byte e = ESCAPE[c];
        if (e == 0) {
            b[p++] = (byte) c;
        } else if (e == 'u') {
            p = unicode(b, p, c);
        } else {
            b[p++] = '\\';
            b[p++] = e;
        }
        return p;
    }

    private static int unicode(byte[] b, int p, int c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
        return p;
    }

    private void put(byte c) {
        ensure(1);
        buf[len++] = c;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    // The generator's writeRaw(SerializableString) asks appendUnquotedUTF8 first and falls back
    // to asUnquotedUTF8 when its buffer has no room; the other methods are not used by it.

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + len > buffer.length) {
            return -1;
        }
        System.arraycopy(buf, 0, buffer, offset, len);
        return len;
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return Arrays.copyOf(buf, len);
    }

    @Override
    public String getValue() {
        return new String(buf, 0, len, StandardCharsets.US_ASCII);
    }

    @Override
    public int charLength() {
        return len;
    }

    @Override
    public char[] asQuotedChars() {
        return getValue().toCharArray();
    }

    @Override
    public byte[] asQuotedUTF8() {
        return asUnquotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        return appendUnquotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        return appendUnquoted(buffer, offset);
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        if (offset + len > buffer.length) {
            return -1;
        }
        for (int i = 0; i < len; i++) {
            buffer[offset + i] = (char) buf[i];
        }
        return len;
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        return writeUnquotedUTF8(out);
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(buf, 0, len);
        return len;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer out) {
        return putUnquotedUTF8(out);
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer out) {
        if (out.remaining() < len) {
            return -1;
        }
        out.put(buf, 0, len);
        return len;
    }
}
