package dev.dmaudit.record;

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
        int major = Numbers.parseSmallInt(text, 0, colon);
        int minor = Numbers.parseSmallInt(text, colon + 1, text.length());
        return major < 0 || minor < 0 ? null : new DeviceNumber(major, minor);
    }

    /**
     * @param text {@code MAJ:MIN}, e.g. {@code 254:1}, as a person or a tool wrote it
     * @return the device number
     * @throws IllegalArgumentException when the text is not two decimal numbers around a colon
     */
    public static DeviceNumber of(String text) {
        DeviceNumber d = parse(text);
        if (d == null) {
            throw new IllegalArgumentException("not MAJOR:MINOR: " + String.valueOf(text).replaceAll("\\p{Cntrl}", "?"));
        }
        return d;
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
