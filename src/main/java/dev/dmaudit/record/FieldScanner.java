package dev.dmaudit.record;

/**
 * Finds the fields of audit record text in one pass without creating strings: for each field it
 * records key and value spans and the {@link ValueKind} into an int array (5 ints per field; the
 * fifth holds the kind in its low byte and a {@code NAME_*} key form above it).
 * A word without {@code =} is not a field ({@code user pid=…}, daemon free text, {@code netlabel:}),
 * except as go-libaudit reads them: a bare {@code old}/{@code new} names the key after it
 * ({@code old auid=1} is {@code old_auid=1}), and SELinux's {@code avc:  denied  { read write } for}
 * becomes {@code seresult=denied seperms=read,write}.
 * Never throws on any input: odd text yields odd fields, not exceptions.
 */
final class FieldScanner {
    static final int STRIDE = 5;
    static final int KIND_MASK = 0xff;
    static final int NAME_SHIFT = 8;
    /** Key forms: the key span as written, or a name the text does not spell contiguously. */
    static final int NAME_AS_WRITTEN = 0;
    static final int NAME_OLD = 1;
    static final int NAME_NEW = 2;
    static final int NAME_SERESULT = 3;
    /** seperms: the value span is the permission words between the braces, read comma-joined. */
    static final int NAME_SEPERMS = 4;

    /** Nested text (user records' msg='…') uses '(' ')' ',' as extra separators. */
    static final int MODE_TOP = 0;
    static final int MODE_NESTED = 1;
    /** EXECVE records: a0, a1, … are argv strings that may be hex-encoded. */
    static final int MODE_EXECVE = 2;

    private FieldScanner() {
    }

    static int modeFor(int type) {
        return type == EXECVE ? MODE_EXECVE : MODE_TOP;
    }

    private static final int EXECVE = 1309;

    /** The result of a scan: final fields, so a record read on another thread sees it whole. */
    static final class Spans {
        static final Spans NONE = new Spans(new int[0], 0);
        final int[] spans;
        final int count;

        Spans(int[] spans, int count) {
            this.spans = spans;
            this.count = count;
        }
    }

    /** Per thread: a scan fills this array, and keeps an exact-size copy (one allocation per record). */
    private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[][] {new int[STRIDE * 64]});

    /**
     * @return the spans of the fields in b[from, to): elements 0..count*STRIDE-1 of its array, STRIDE
     *     ints per field
     */
    static Spans scan(byte[] b, int from, int to, int mode) {
        int[][] scratch = SCRATCH.get();
        int[] spans = scratch[0];
        int n = 0;
        int p = from;
        int prefix = NAME_AS_WRITTEN; // a bare old/new right before this key
        while (true) {
            while (p < to && isSeparator(b[p], mode)) {
                p++;
            }
            if (p >= to) {
                break;
            }
            if (spans.length < (n + 2) * STRIDE) { // room for two: the AVC prefix adds a pair
                int[] bigger = new int[spans.length * 2 + STRIDE * 8];
                System.arraycopy(spans, 0, bigger, 0, n * STRIDE);
                spans = bigger;
            }
            int keyStart = p;
            while (p < to && b[p] != '=' && !isSeparator(b[p], mode)) {
                p++;
            }
            int o = n * STRIDE;
            if (p >= to || b[p] != '=') {
                int avcEnd = isWord(b, keyStart, p, "avc:") ? avcPrefix(b, p, to, spans, o) : -1;
                if (avcEnd >= 0) {
                    n += 2;
                    p = avcEnd;
                    prefix = NAME_AS_WRITTEN;
                } else {
                    prefix = isWord(b, keyStart, p, "old") ? NAME_OLD : isWord(b, keyStart, p, "new") ? NAME_NEW
                            : NAME_AS_WRITTEN;
                }
                continue;
            }
            spans[o] = keyStart;
            spans[o + 1] = p;
            p++; // '='
            int valStart = p;
            int valEnd;
            ValueKind kind;
            if (p >= to || b[p] == ' ') {
                valEnd = p;
                kind = ValueKind.EMPTY;
            } else if (b[p] == '"') {
                valStart = p + 1;
                int q = indexOf(b, valStart, to, (byte) '"');
                valEnd = q < 0 ? to : q;
                p = q < 0 ? to : q + 1;
                kind = ValueKind.DOUBLE_QUOTED;
            } else if (b[p] == '\'') {
                valStart = p + 1;
                int q = closingSingleQuote(b, valStart, to, isMsgKey(b, keyStart, spans[o + 1]));
                valEnd = q < 0 ? to : q;
                p = q < 0 ? to : q + 1;
                kind = ValueKind.SINGLE_QUOTED;
            } else if (b[p] == '{' && (valEnd = closingBrace(b, p + 1, to)) > 0) {
                // ENRICHED sockaddr: SADDR={ fam=inet laddr=… } is one value, not fields.
                p = valEnd;
                kind = ValueKind.PLAIN;
            } else {
                while (p < to && !isValueEnd(b, p, to, mode)) {
                    p++;
                }
                valEnd = p;
                // AppArmor labels carry their mode after a space: subj==/usr/sbin/ntpd (enforce)
                if (mode != MODE_NESTED && p + 1 < to && b[p] == ' ' && b[p + 1] == '(') {
                    int q = p + 2;
                    while (q < to && b[q] != ' ' && b[q] != ')' && b[q] != '=') {
                        q++;
                    }
                    if (q < to && b[q] == ')' && (q + 1 == to || b[q + 1] == ' ')) {
                        valEnd = q + 1;
                        p = q + 1;
                    }
                }
                kind = plainKind(b, valStart, valEnd, keyStart, spans[o + 1], mode == MODE_EXECVE);
            }
            spans[o + 2] = valStart;
            spans[o + 3] = valEnd;
            spans[o + 4] = kind.ordinal() | prefix << NAME_SHIFT;
            prefix = NAME_AS_WRITTEN;
            n++;
        }
        scratch[0] = spans;
        return new Spans(java.util.Arrays.copyOf(spans, n * STRIDE), n);
    }

    /**
     * Reads {@code avc:  RESULT  { PERM… } for} after the word {@code avc:} into two fields at
     * {@code o}: seresult (the result word) and seperms (the span of the permission words).
     *
     * @return where scanning goes on, or -1 when the text does not have that form
     */
    private static int avcPrefix(byte[] b, int p, int to, int[] spans, int o) {
        int rs = skipSpaces(b, p, to);
        int re = rs;
        while (re < to && b[re] != ' ' && b[re] != '{' && b[re] != '=') {
            re++;
        }
        int brace = skipSpaces(b, re, to);
        if (re == rs || re == p || brace >= to || b[brace] != '{' || brace == re) {
            return -1;
        }
        int close = indexOf(b, brace + 1, to, (byte) '}');
        if (close < 0) {
            return -1;
        }
        int ps = skipSpaces(b, brace + 1, close);
        int pe = close;
        while (pe > ps && b[pe - 1] == ' ') {
            pe--;
        }
        int after = skipSpaces(b, close + 1, to);
        if (!isWord(b, after, Math.min(after + 3, to), "for") || (after + 3 < to && b[after + 3] != ' ')) {
            return -1;
        }
        setField(spans, o, rs, re, ValueKind.PLAIN, NAME_SERESULT);
        setField(spans, o + STRIDE, ps, pe, ps == pe ? ValueKind.EMPTY : ValueKind.PLAIN, NAME_SEPERMS);
        return after + 3;
    }

    private static void setField(int[] spans, int o, int vs, int ve, ValueKind kind, int name) {
        // A named field's key span is empty: its key is the name, never text.
        spans[o] = vs;
        spans[o + 1] = vs;
        spans[o + 2] = vs;
        spans[o + 3] = ve;
        spans[o + 4] = kind.ordinal() | name << NAME_SHIFT;
    }

    private static int skipSpaces(byte[] b, int p, int to) {
        while (p < to && b[p] == ' ') {
            p++;
        }
        return p;
    }

    /** @return the end of {@code {…}} (after the brace) when a '}' followed by a space or the end closes it, else -1 */
    private static int closingBrace(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '}' && (i + 1 == to || b[i + 1] == ' ')) {
                return i + 1;
            }
        }
        return -1;
    }

    /** @return whether b[from, to) is the ASCII text w */
    static boolean isWord(byte[] b, int from, int to, String w) {
        if (to - from != w.length()) {
            return false;
        }
        for (int i = 0; i < w.length(); i++) {
            if (b[from + i] != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSeparator(byte c, int mode) {
        return c == ' ' || (mode == MODE_NESTED && (c == '(' || c == ')' || c == ','));
    }

    /**
     * In nested text a ',' ends a value only before a space or the end ({@code hostname=?, addr=?}),
     * so lists stay whole: {@code grantors=pam_env,pam_unix}.
     */
    private static boolean isValueEnd(byte[] b, int p, int to, int mode) {
        byte c = b[p];
        return c == ' ' || (mode == MODE_NESTED && (c == ')' || (c == ',' && (p + 1 == to || b[p + 1] == ' '))));
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A single-quoted value ends at a quote followed by a space or the end. The user-supplied text
     * of msg='…' may itself hold quotes, so there the last quote in the text closes it.
     */
    private static int closingSingleQuote(byte[] b, int from, int to, boolean last) {
        if (last) {
            for (int i = to - 1; i >= from; i--) {
                if (b[i] == '\'') {
                    return i;
                }
            }
            return -1;
        }
        for (int i = from; i < to; i++) {
            if (b[i] == '\'' && (i + 1 == to || b[i + 1] == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isMsgKey(byte[] b, int ks, int ke) {
        return ke - ks == 3 && b[ks] == 'm' && b[ks + 1] == 's' && b[ks + 2] == 'g';
    }

    private static ValueKind plainKind(byte[] b, int vs, int ve, int ks, int ke, boolean execve) {
        int len = ve - vs;
        if (len == 1 && b[vs] == '?') {
            return ValueKind.UNSET;
        }
        if (len == 6 && b[vs] == '(' && b[vs + 1] == 'n' && b[vs + 2] == 'u' && b[vs + 3] == 'l'
                && b[vs + 4] == 'l' && b[vs + 5] == ')') {
            return ValueKind.NULL;
        }
        // The value test first: it fails at the first byte of most values, the key test compares a list of keys.
        if (len >= 2 && (len & 1) == 0 && isUpperHex(b, vs, ve) && UntrustedKeys.isUntrusted(b, ks, ke, execve)) {
            return ValueKind.HEX;
        }
        return ValueKind.PLAIN;
    }

    private static boolean isUpperHex(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
