package dev.dmaudit.record;

/** Small decimal parsing without exceptions, for text that may be anything. */
final class Numbers {
    private Numbers() {
    }

    /**
     * @param s    text
     * @param from first index
     * @param to   index past the last
     * @return the non-negative decimal number in [from, to) (at most 9 digits), or -1
     */
    public static int parseSmallInt(CharSequence s, int from, int to) {
        return to - from > 9 ? -1 : (int) parseLong(s, from, to);
    }

    /**
     * @param s    text
     * @param from first index
     * @param to   index past the last
     * @return the non-negative decimal number in [from, to) (at most 18 digits), or -1
     */
    public static long parseLong(CharSequence s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
