package dev.dmaudit.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Who sent an event: the host's machine id (systemd's /etc/machine-id, stable across reboots) and
 * the current boot's id (/proc/sys/kernel/random/boot_id). Audit serials restart at every boot, so
 * the event id needs both.
 *
 * @param machineId 32 lower-case hex digits (or the host name when no machine id can be read)
 * @param bootId    32 lower-case hex digits (or {@code noboot} when it cannot be read)
 */
record HostIdentity(String machineId, String bootId) {
    private static final Path MACHINE_ID = Path.of("/etc/machine-id");
    private static final Path DBUS_MACHINE_ID = Path.of("/var/lib/dbus/machine-id");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** @return this host's identity, read once */
    static HostIdentity ofThisHost() {
        String machine = readId(MACHINE_ID);
        if (machine == null) {
            machine = readId(DBUS_MACHINE_ID);
        }
        if (machine == null) {
            // No machine id (a minimal container): the host name still separates hosts, if less surely.
            String host = System.getenv("HOSTNAME");
            machine = host == null || host.isBlank() ? "unknown-host" : clean(host);
        }
        String boot = readId(BOOT_ID);
        return new HostIdentity(machine, boot == null ? "noboot" : boot);
    }

    /** @return the id in the file, dashes removed, lower case; null when absent or not hex */
    static String readId(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim().replace("-", "").toLowerCase(Locale.ROOT);
            return s.matches("[0-9a-f]{16,64}") ? s : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Keeps an identity usable inside keys and ids: [A-Za-z0-9._-] only. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-') ? c : '_');
        }
        return b.length() > 64 ? b.substring(0, 64) : b.toString();
    }
}
