package dev.dmaudit.record;

import java.util.Arrays;

/**
 * A small hash table from texts (bytes) to values made from them, shared by threads without
 * locks: a slot holds the last text seen there (a collision replaces it, so its size is bounded
 * whatever the input), in an immutable entry that a thread sees whole or not at all. For the few
 * distinct texts a log repeats on every line (record type names, device-mapper module and op
 * names), where making a String and a lookup per line was a measurable part of decoding.
 *
 * @param <T> the values
 */
final class TextTable<T> {
    /** Makes the value of a text not in the table. */
    @FunctionalInterface
    interface Maker<T> {
        T make(byte[] b, int from, int to);
    }

    private record Entry<T>(byte[] bytes, T value) {
    }

    private final Entry<T>[] slots;
    private final Maker<T> maker;

    /**
     * @param slots a power of two
     * @param maker makes a value from its text
     */
    @SuppressWarnings("unchecked")
    TextTable(int slots, Maker<T> maker) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two");
        }
        this.slots = (Entry<T>[]) new Entry<?>[slots];
        this.maker = maker;
    }

    /** @return the value of b[from, to): the kept one when that text was seen last in its slot, else a new one */
    T get(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 8)) & (slots.length - 1);
        Entry<T> e = slots[slot];
        if (e != null && Arrays.equals(e.bytes, 0, e.bytes.length, b, from, to)) {
            return e.value;
        }
        T v = maker.make(b, from, to);
        slots[slot] = new Entry<>(Arrays.copyOfRange(b, from, to), v);
        return v;
    }
}
