package dev.dmaudit.event;

/**
 * A block device number as the kernel logs it ({@code dev=254:0}).
 *
 * @param major the major number
 * @param minor the minor number
 */
public record DeviceNumber(int major, int minor) {
    /** Validates the range. */
    public DeviceNumber {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative device number");
        }
    }

    /**
     * @param text {@code MAJ:MIN}
     * @return the device number, or null when the text is not of that form
     */
    public static DeviceNumber parse(String text) {
        if (text == null) {
            return null;
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.length() > 21) {
            return null;
        }
        int major = parseInt(text, 0, colon);
        int minor = parseInt(text, colon + 1, text.length());
        return major < 0 || minor < 0 ? null : new DeviceNumber(major, minor);
    }

    private static int parseInt(String s, int from, int to) {
        if (to - from > 9) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
