package dev.dmaudit.record;

import java.nio.charset.StandardCharsets;

/** Decodes the kernel's hex encoding of untrusted strings. */
final class HexText {
    private HexText() {
    }

    /**
     * @param b       text holding uppercase hex digits in [from, to), even length (checked by the scanner)
     * @param nulsAsSpaces proctitle: argv's NUL separators become spaces, trailing ones dropped
     * @return the decoded bytes as UTF-8 (invalid sequences replaced)
     */
    static String decode(byte[] b, int from, int to, boolean nulsAsSpaces) {
        int n = (to - from) / 2;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (digit(b[from + 2 * i]) << 4 | digit(b[from + 2 * i + 1]));
        }
        if (nulsAsSpaces) {
            while (n > 0 && out[n - 1] == 0) {
                n--;
            }
            for (int i = 0; i < n; i++) {
                if (out[i] == 0) {
                    out[i] = ' ';
                }
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static int digit(byte c) {
        return c <= '9' ? c - '0' : c - 'A' + 10;
    }
}
