package dev.dmaudit.cli;

import java.util.Locale;

/** Sizes on the command line ({@code --kafka-spool-max}, {@code --journald-spool-max}): a number with an optional K, M or G. */
final class Sizes {
    private Sizes() {
    }

    /**
     * @param s such as {@code 256M} (binary units; case-insensitive)
     * @return bytes, at least 1
     * @throws IllegalArgumentException naming the text when it is not a size
     */
    static long parse(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                default -> 1L << 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n < 1 || n > (Long.MAX_VALUE / unit)) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a size (such as 256M)");
        }
    }
}
