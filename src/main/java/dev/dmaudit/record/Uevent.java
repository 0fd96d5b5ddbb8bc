package dev.dmaudit.record;

import java.util.List;

/**
 * One kernel uevent as the kernel multicasts it on NETLINK_KOBJECT_UEVENT (group 1):
 * {@code ACTION@DEVPATH} and then {@code KEY=VALUE} pairs, each NUL-terminated. Decoded by
 * {@link UeventParser}; the pairs stay in the kernel's order.
 *
 * @param action  the header's action ({@code change}, {@code add}, ...)
 * @param devpath the header's sysfs path of the kobject ({@code /devices/virtual/block/dm-0})
 * @param keys    the environment's keys, in order
 * @param values  the environment's values, same order
 */
public record Uevent(String action, String devpath, List<String> keys, List<String> values) {
    /** Copies the lists and checks they pair up. */
    public Uevent {
        keys = List.copyOf(keys);
        values = List.copyOf(values);
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException("keys and values differ in number");
        }
    }

    /**
     * @param key an environment key, e.g. {@code DM_VERITY_ERR_BLOCK_NR}
     * @return its first value, or null when the uevent has no such key
     */
    public String get(String key) {
        int i = keys.indexOf(key);
        return i < 0 ? null : values.get(i);
    }

    /** @return the kernel's sequence number of this uevent ({@code SEQNUM}), or -1 when absent or not a number */
    public long seqnum() {
        String s = get("SEQNUM");
        return s == null ? -1 : decimal(s, 0, s.length());
    }

    /**
     * @param s    text, e.g. a value
     * @param from first index
     * @param to   index past the last
     * @return the non-negative decimal number in [from, to) (1 to 18 digits), or -1
     */
    public static long decimal(CharSequence s, int from, int to) {
        return Numbers.parseLong(s, from, to);
    }
}
