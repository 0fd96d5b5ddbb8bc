package dev.dmaudit.os;

/**
 * This process's effective capabilities (CapEff in /proc/self/status), for the audit ones.
 *
 * @param effective the CapEff bit set, or -1 when it could not be read
 */
public record Capabilities(long effective) {
    /** CAP_AUDIT_WRITE: send user messages (AUDIT_USER*). */
    public static final int CAP_AUDIT_WRITE = 29;
    /** CAP_AUDIT_CONTROL: AUDIT_GET/AUDIT_SET, daemon mode. */
    public static final int CAP_AUDIT_CONTROL = 30;
    /** CAP_AUDIT_READ: join the multicast group. */
    public static final int CAP_AUDIT_READ = 37;

    /** @return the current process's capabilities */
    public static Capabilities current() {
        return parse(ProcFiles.statusField("CapEff:"));
    }

    /**
     * @param capEffHex the CapEff value (hex), may be null
     * @return the capabilities, {@code effective} -1 when unparsable
     */
    public static Capabilities parse(String capEffHex) {
        if (capEffHex == null) {
            return new Capabilities(-1);
        }
        try {
            return new Capabilities(Long.parseUnsignedLong(capEffHex.trim(), 16));
        } catch (NumberFormatException e) {
            return new Capabilities(-1);
        }
    }

    /** @return true when CapEff could be read */
    public boolean known() {
        return effective != -1;
    }

    /**
     * @param cap a capability number, e.g. {@link #CAP_AUDIT_READ}
     * @return true when it is in the effective set (false when CapEff could not be read)
     */
    public boolean has(int cap) {
        return known() && (effective & (1L << cap)) != 0;
    }
}
