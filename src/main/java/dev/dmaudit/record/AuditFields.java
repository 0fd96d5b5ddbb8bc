package dev.dmaudit.record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fields of a piece of audit text, in order, duplicates kept. Strings are made on access from
 * the spans found in one scan, made when a field is first asked for; decoding a record costs one
 * byte copy and one int array, or none while nobody reads its fields.
 */
public final class AuditFields {
    private static final AuditFields EMPTY = new AuditFields(new byte[0], 0, 0, FieldScanner.MODE_TOP);
    private static final ValueKind[] KINDS = ValueKind.values();
    /** {@link #word}'s strings; longer values are not kept: a vocabulary's words are short. */
    private static final TextTable<String> WORDS = new TextTable<>(512,
            (b, from, to) -> new String(b, from, to - from, StandardCharsets.UTF_8));
    private static final int WORD_MAX = 48;

    private final byte[] text;
    private final int from;
    private final int to;
    private final int mode;
    /**
     * Null until a field is first asked for: the scan runs then, not when the record is parsed,
     * because most records of a {@code decode --all} to text or raw are written without their
     * fields being read (the scan was a fifth of that CPU). Two threads may both scan: same result.
     */
    private FieldScanner.Spans scanned;

    private AuditFields(byte[] text, int from, int to, int mode) {
        this.text = text;
        this.from = from;
        this.to = to;
        this.mode = mode;
        if (from >= to) {
            scanned = FieldScanner.Spans.NONE;
        }
    }

    static AuditFields scan(byte[] text, int from, int to, int mode) {
        return from >= to ? EMPTY : new AuditFields(text, from, to, mode);
    }

    private FieldScanner.Spans scanned() {
        FieldScanner.Spans s = scanned;
        if (s == null) {
            // One call the JIT does not inline (too large): every accessor below inlines this
            // check, and the scan's set-up (thread-local scratch, copy) used to be compiled into
            // the DM typing once for each field it reads (fourteen copies).
            s = FieldScanner.scan(text, from, to, mode);
            scanned = s;
        }
        return s;
    }

    private int[] spans() {
        return scanned().spans;
    }

    /** @return fields with nothing in them */
    public static AuditFields empty() {
        return EMPTY;
    }

    /** @return the number of fields */
    public int size() {
        return scanned().count;
    }

    /**
     * @param i field index
     * @return its key
     */
    public String key(int i) {
        int[] sp = spans();
        int o = offset(i);
        switch (sp[o + 4] >>> FieldScanner.NAME_SHIFT) {
            case FieldScanner.NAME_OLD:
                return "old_" + ascii(sp[o], sp[o + 1]);
            case FieldScanner.NAME_NEW:
                return "new_" + ascii(sp[o], sp[o + 1]);
            case FieldScanner.NAME_SERESULT:
                return "seresult";
            case FieldScanner.NAME_SEPERMS:
                return "seperms";
            default:
                return ascii(sp[o], sp[o + 1]);
        }
    }

    /**
     * @param i field index
     * @return how its value was written
     */
    public ValueKind kind(int i) {
        int[] sp = spans();
        return KINDS[sp[offset(i) + 4] & FieldScanner.KIND_MASK];
    }

    /**
     * @param i field index
     * @return the value as written, without quotes, hex not decoded
     */
    public String raw(int i) {
        int[] sp = spans();
        int o = offset(i);
        return utf8(sp[o + 2], sp[o + 3]);
    }

    /**
     * @param i field index
     * @return the interpreted value: hex decoded, quotes removed ({@code (null)} and {@code ?} as written)
     */
    public String value(int i) {
        int[] sp = spans();
        int o = offset(i);
        if ((sp[o + 4] & FieldScanner.KIND_MASK) == ValueKind.HEX.ordinal()) {
            return HexText.decode(text, sp[o + 2], sp[o + 3], keyIs(o, "proctitle"));
        }
        if (sp[o + 4] >>> FieldScanner.NAME_SHIFT == FieldScanner.NAME_SEPERMS) {
            return permissionList(sp[o + 2], sp[o + 3]);
        }
        return utf8(sp[o + 2], sp[o + 3]);
    }

    /**
     * For writers that copy bytes rather than make a string per field (the JSON output): field i's
     * key as written, when {@link #key(int)} is those bytes (not a renamed {@code old auid=…} or
     * AVC part).
     *
     * @param i   field index
     * @param dst where to copy it
     * @return its length in bytes, or -1 when the key is not its bytes as written or does not fit
     */
    public int keyBytes(int i, byte[] dst) {
        int[] sp = spans();
        int o = offset(i);
        return sp[o + 4] >>> FieldScanner.NAME_SHIFT == FieldScanner.NAME_AS_WRITTEN ? copy(sp[o], sp[o + 1], dst) : -1;
    }

    /**
     * As {@link #keyBytes}, for the value: its UTF-8 bytes when {@link #value(int)} is them (not
     * hex-encoded, not an AVC permission list).
     *
     * @param i   field index
     * @param dst where to copy it
     * @return its length in bytes, or -1 when the value is not its bytes as written or does not fit
     */
    public int valueBytes(int i, byte[] dst) {
        int[] sp = spans();
        int o = offset(i);
        if ((sp[o + 4] & FieldScanner.KIND_MASK) == ValueKind.HEX.ordinal()
                || sp[o + 4] >>> FieldScanner.NAME_SHIFT == FieldScanner.NAME_SEPERMS) {
            return -1;
        }
        return copy(sp[o + 2], sp[o + 3], dst);
    }

    private int copy(int from, int to, byte[] dst) {
        if (to - from > dst.length) {
            return -1;
        }
        System.arraycopy(text, from, dst, 0, to - from);
        return to - from;
    }

    /**
     * A fixed list of keys to look up together: {@link #indexesOf} finds them all in one pass over
     * the fields. The device-mapper typing asks up to nine keys of every record, and one
     * {@link #indexOf} each walked the fields nine times (issue 15).
     */
    public static final class Keys {
        private final String[] keys;

        /** @param keys the keys, each as {@link #key(int)} returns it */
        public Keys(String... keys) {
            this.keys = keys.clone();
        }

        /** @return how many keys; {@link #indexesOf}'s array needs at least this many elements */
        public int size() {
            return keys.length;
        }
    }

    /**
     * As {@link #indexOf} for each of the keys, in one pass.
     *
     * @param keys the keys
     * @param out  receives, at each key's position in {@code keys}, the index of the first field
     *             with that key, or -1
     * @return out
     */
    public int[] indexesOf(Keys keys, int[] out) {
        String[] k = keys.keys;
        java.util.Arrays.fill(out, 0, k.length, -1);
        int[] sp = spans();
        int n = scanned().count;
        int missing = k.length;
        for (int i = 0; i < n && missing > 0; i++) {
            int o = i * FieldScanner.STRIDE;
            int len = sp[o + 1] - sp[o];
            boolean renamed = sp[o + 4] >>> FieldScanner.NAME_SHIFT != FieldScanner.NAME_AS_WRITTEN;
            for (int j = 0; j < k.length; j++) {
                // The length first: it tells most keys apart without reading the text.
                if (out[j] < 0 && (k[j].length() == len || renamed) && keyIs(o, k[j])) {
                    out[j] = i;
                    missing--;
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The value of field i, made once per distinct text while that text stays in a small shared
     * table: for values from a small vocabulary that are asked for every record (a device-mapper
     * module, op or device), so that a million records make a handful of strings. Hex-encoded and
     * long values are made as {@link #value(int)} makes them.
     *
     * @param i field index
     * @return {@link #value(int)}
     */
    public String word(int i) {
        int[] sp = spans();
        int o = offset(i);
        int from = sp[o + 2];
        int to = sp[o + 3];
        if (to - from > WORD_MAX || (sp[o + 4] & FieldScanner.KIND_MASK) == ValueKind.HEX.ordinal()
                || sp[o + 4] >>> FieldScanner.NAME_SHIFT == FieldScanner.NAME_SEPERMS) {
            return value(i);
        }
        return WORDS.get(text, from, to);
    }

    /**
     * @param key a field key
     * @return the index of the first field with that key, or -1
     */
    public int indexOf(String key) {
        int n = size();
        for (int i = 0; i < n; i++) {
            if (keyIs(i * FieldScanner.STRIDE, key)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Compares a value without making it a string (asked per record on the decoding path).
     *
     * @param i     field index
     * @param value an ASCII text
     * @return true when {@link #value(int)} equals it
     */
    public boolean valueIs(int i, String value) {
        int[] sp = spans();
        int o = offset(i);
        int from = sp[o + 2];
        int to = sp[o + 3];
        if ((sp[o + 4] & FieldScanner.KIND_MASK) == ValueKind.HEX.ordinal()
                || sp[o + 4] >>> FieldScanner.NAME_SHIFT == FieldScanner.NAME_SEPERMS) {
            return value.equals(value(i)); // decoded: not its bytes as written
        }
        return FieldScanner.isWord(text, from, to, value);
    }

    /**
     * @param key a field key
     * @return the interpreted value of its first occurrence, or null when absent
     */
    public String get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : value(i);
    }

    /**
     * @param key a field key
     * @return true when a field with that key is present
     */
    public boolean has(String key) {
        return indexOf(key) >= 0;
    }

    /**
     * Parses a field's value as a decimal number.
     *
     * @param key a field key
     * @param absent what to return when the field is absent, unset or not a number
     * @return the value
     */
    public long getLong(String key, long absent) {
        int i = indexOf(key);
        return i < 0 ? absent : longValue(i, absent);
    }

    /**
     * Parses field i's value as a decimal number.
     *
     * @param i      field index
     * @param absent what to return when the value is unset or not a number
     * @return the value
     */
    public long longValue(int i, long absent) {
        int[] sp = spans();
        int o = offset(i);
        return parseLong(sp[o + 2], sp[o + 3], absent);
    }

    /**
     * Parses a single-quoted value (user records' {@code msg='op=… res=success'}) as fields.
     *
     * @param key a field key
     * @return the nested fields, empty when absent
     */
    public AuditFields nested(String key) {
        int[] sp = spans();
        int i = indexOf(key);
        if (i < 0) {
            return EMPTY;
        }
        int o = i * FieldScanner.STRIDE;
        return scan(text, sp[o + 2], sp[o + 3], FieldScanner.MODE_NESTED);
    }

    /** @return every field, materialised */
    public List<Field> asList() {
        int n = size();
        List<Field> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Field(key(i), raw(i), value(i), kind(i)));
        }
        return Collections.unmodifiableList(out);
    }

    private int offset(int i) {
        int n = size();
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("field " + i + " of " + n);
        }
        return i * FieldScanner.STRIDE;
    }

    private boolean keyIs(int o, String key) {
        int[] sp = spans();
        int ks = sp[o];
        int ke = sp[o + 1];
        int from = 0;
        switch (sp[o + 4] >>> FieldScanner.NAME_SHIFT) {
            case FieldScanner.NAME_AS_WRITTEN:
                break;
            case FieldScanner.NAME_OLD:
                if (!key.startsWith("old_")) {
                    return false;
                }
                from = 4;
                break;
            case FieldScanner.NAME_NEW:
                if (!key.startsWith("new_")) {
                    return false;
                }
                from = 4;
                break;
            case FieldScanner.NAME_SERESULT:
                return key.equals("seresult");
            default:
                return key.equals("seperms");
        }
        if (ke - ks != key.length() - from) {
            return false;
        }
        for (int j = from; j < key.length(); j++) {
            if (text[ks + j - from] != key.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** SELinux permission words as go-libaudit gives them: {@code read write} is {@code read,write}. */
    private String permissionList(int from, int to) {
        String words = utf8(from, to).trim();
        StringBuilder b = new StringBuilder(words.length());
        boolean space = false;
        for (int i = 0; i < words.length(); i++) {
            char c = words.charAt(i);
            if (c == ' ') {
                space = true;
                continue;
            }
            if (space) {
                b.append(',');
                space = false;
            }
            b.append(c);
        }
        return b.toString();
    }

    private long parseLong(int from, int to, long absent) {
        if (from >= to || to - from > 19) {
            return absent;
        }
        boolean neg = text[from] == '-';
        int i = neg ? from + 1 : from;
        if (i >= to) {
            return absent;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) {
                return absent;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    @SuppressWarnings("deprecation")
    private String ascii(int from, int to) {
        for (int i = from; i < to; i++) {
            if (text[i] < 0) {
                return utf8(from, to);
            }
        }
        // Keys are ASCII: the hibyte constructor copies without a charset decoder.
        return new String(text, 0, from, to - from);
    }

    private String utf8(int from, int to) {
        return new String(text, from, to - from, StandardCharsets.UTF_8);
    }
}
