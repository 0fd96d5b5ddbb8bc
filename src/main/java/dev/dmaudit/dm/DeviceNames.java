package dev.dmaudit.dm;

import java.nio.charset.StandardCharsets;

/**
 * Checks device-mapper names before they reach a tool's argument list: a name starting with
 * {@code -} would be read as an option, a {@code /} makes it a path, control characters corrupt the
 * tools' line-based output, and the kernel limit is 127 bytes (DM_NAME_LEN less the NUL).
 */
public final class DeviceNames {
    /** Longest name the kernel accepts, in UTF-8 bytes. */
    public static final int MAX_BYTES = 127;

    private DeviceNames() {
    }

    /**
     * @param name a device-mapper name from the user or an event
     * @return the same name
     * @throws InvalidDeviceNameException when it is refused; the message quotes it with controls escaped
     */
    public static String requireValid(String name) throws InvalidDeviceNameException {
        if (name == null || name.isEmpty()) {
            throw new InvalidDeviceNameException("device name is empty");
        }
        String shown = quoted(name);
        if (name.startsWith("-")) {
            throw new InvalidDeviceNameException("device name " + shown + " starts with '-'");
        }
        if (name.indexOf('/') >= 0) {
            throw new InvalidDeviceNameException("device name " + shown + " contains '/'");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidDeviceNameException("device name " + shown + " contains control characters");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidDeviceNameException("device name " + shown + " is longer than " + MAX_BYTES + " bytes");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidDeviceNameException("device name " + shown + " is reserved");
        }
        return name;
    }

    /** Quotes a refused value for a one-line message, controls shown as '?' and cut to a sane length. */
    static String quoted(String value) {
        String s = value.replaceAll("\\p{Cntrl}", "?");
        return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
    }
}
