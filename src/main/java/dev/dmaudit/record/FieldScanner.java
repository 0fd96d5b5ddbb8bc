package dev.dmaudit.record;

/**
 * Finds the fields of audit record text in one pass without creating strings: for each field it
 * records key and value spans and the {@link ValueKind} into an int array (5 ints per field).
 * Never throws on any input: odd text yields odd fields, not exceptions.
 */
final class FieldScanner {
    static final int STRIDE = 5;
    private static final int KIND_SHIFT = 0;

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

    /**
     * @return the spans array (possibly reallocated); its element 0..count*STRIDE-1 filled, and the
     *     field count stored by the caller from {@link #lastCount}
     */
    static int[] scan(byte[] b, int from, int to, int mode, int[] spans, int[] countOut) {
        int n = 0;
        int p = from;
        while (true) {
            while (p < to && isSeparator(b[p], mode)) {
                p++;
            }
            if (p >= to) {
                break;
            }
            if (spans.length < (n + 1) * STRIDE) {
                int[] bigger = new int[spans.length * 2 + STRIDE * 8];
                System.arraycopy(spans, 0, bigger, 0, n * STRIDE);
                spans = bigger;
            }
            int keyStart = p;
            while (p < to && b[p] != '=' && !isSeparator(b[p], mode)) {
                p++;
            }
            int o = n * STRIDE;
            spans[o] = keyStart;
            spans[o + 1] = p;
            if (p >= to || b[p] != '=') {
                spans[o + 2] = p;
                spans[o + 3] = p;
                spans[o + 4] = ValueKind.BARE.ordinal();
                n++;
                continue;
            }
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
            } else {
                while (p < to && !isValueEnd(b[p], mode)) {
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
            spans[o + 4] = kind.ordinal();
            n++;
        }
        countOut[0] = n;
        return spans;
    }

    private static boolean isSeparator(byte c, int mode) {
        return c == ' ' || (mode == MODE_NESTED && (c == '(' || c == ')' || c == ','));
    }

    private static boolean isValueEnd(byte c, int mode) {
        return c == ' ' || (mode == MODE_NESTED && (c == ')' || c == ','));
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
        if (len >= 2 && (len & 1) == 0 && UntrustedKeys.isUntrusted(b, ks, ke, execve) && isUpperHex(b, vs, ve)) {
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
