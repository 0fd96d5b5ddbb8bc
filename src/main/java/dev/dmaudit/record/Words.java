package dev.dmaudit.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings of short field values by their bytes, shared by every thread: a hash table whose slot
 * holds the last text seen there (a collision replaces it, so its size is bounded whatever the
 * input). Entries are immutable, so a thread sees one whole or not at all.
 */
final class Words {
    /** Longer values are not kept: a vocabulary's words are short. */
    static final int MAX = 48;
    private static final Word[] SLOTS = new Word[512];

    private record Word(byte[] bytes, String string) {
    }

    private Words() {
    }

    /** @return the UTF-8 text of b[from, to), the same String as the last time that text was asked for when still kept */
    static String get(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 9)) & (SLOTS.length - 1);
        Word w = SLOTS[slot];
        if (w != null && Arrays.equals(w.bytes, 0, w.bytes.length, b, from, to)) {
            return w.string;
        }
        String s = new String(b, from, to - from, StandardCharsets.UTF_8);
        SLOTS[slot] = new Word(Arrays.copyOfRange(b, from, to), s);
        return s;
    }
}
