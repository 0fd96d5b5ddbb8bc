package dev.dmaudit.dm;

/**
 * A block device number.
 *
 * @param major major number
 * @param minor minor number
 */
public record DeviceId(int major, int minor) {

    /** Refuses negative numbers. */
    public DeviceId {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative device number " + major + ":" + minor);
        }
    }

    /**
     * @param text {@code MAJOR:MINOR}, e.g. {@code 254:1}
     * @return the device number
     * @throws IllegalArgumentException when the text is not two decimal numbers around a colon
     */
    public static DeviceId parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon != text.lastIndexOf(':')
                || !text.chars().allMatch(c -> c == ':' || (c >= '0' && c <= '9'))) {
            throw new IllegalArgumentException("not MAJOR:MINOR: " + text.replaceAll("\\p{Cntrl}", "?"));
        }
        try {
            return new DeviceId(Integer.parseInt(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not MAJOR:MINOR: " + text, e);
        }
    }

    /** @return {@code MAJOR:MINOR} */
    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
