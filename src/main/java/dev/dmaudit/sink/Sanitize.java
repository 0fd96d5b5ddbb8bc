package dev.dmaudit.sink;

/**
 * Makes untrusted text safe for a terminal: control characters, DEL, C1 controls and bidirectional
 * overrides, and invisible zero-width characters (U+200B-U+200D, U+2060, U+FEFF) become visible
 * escapes ({@code \x1b}, {@code \u202e}); a backslash becomes {@code \\}
 * so the escaped form is unambiguous.
 */
public final class Sanitize {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sanitize() {
    }

    /**
     * @param s untrusted text, may be null
     * @return the text with every non-printing character escaped; "" for null
     */
    public static String visible(CharSequence s) {
        if (s == null) {
            return "";
        }
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            // Printable ASCII first: nearly every character, decided in three comparisons.
            if ((c >= 0x20 && c < 0x7f && c != '\\') || !needsEscape(c)) {
                i++;
            } else {
                break;
            }
        }
        if (i == n) {
            return s.toString();
        }
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (!needsEscape(c)) {
                b.append(c);
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c < 0x100) {
                b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return b.toString();
    }

    /** Same as {@link #visible}, for messages that must stay on one line. */
    public static String oneLine(CharSequence s) {
        return visible(s);
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7f || c == '\\'
                || (c >= 0x80 && c <= 0x9f)
                || c == 0x061c // ARABIC LETTER MARK: a bidi mark like LRM/RLM (Trojan Source)
                || (c >= 0x200b && c <= 0x200f) // zero-width space/non-joiner/joiner (hide or join text), LRM, RLM
                || c == 0x2060 || c == 0xfeff // word joiner, zero-width no-break space (BOM): invisible
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028 || c == 0x2029
               ;
    }
}
