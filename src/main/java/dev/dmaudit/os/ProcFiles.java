package dev.dmaudit.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small readers of /proc used around the transport (process names, status fields, namespaces). */
public final class ProcFiles {
    /** Static helpers only. */
    private ProcFiles() {
    }

    /**
     * @param pid a process id
     * @return its command name from /proc/PID/comm, or null when it cannot be read
     */
    public static String comm(int pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * @param key a /proc/self/status key with its colon, e.g. {@code "CapEff:"}
     * @return the rest of that line, or null
     */
    static String statusField(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith(key)) {
                    return line.substring(key.length()).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * Whether this process is in the initial network namespace, where the kernel multicasts audit
     * records. Compares /proc/self/ns/net with /proc/1/ns/net; when pid 1's link cannot be read
     * (no ptrace access to pid 1, as in some sandboxes), recent kernels still tell: the initial
     * network namespace has the fixed inode {@code PROC_NET_INIT_INO} (0xEFFFFFF9), a number that
     * older kernels never hand to any namespace (their dynamic inodes start at 0xF0000000).
     *
     * @return TRUE or FALSE, or null when it cannot be told; then only the kernel's errors tell
     */
    public static Boolean inInitialNetNamespace() {
        String self;
        try {
            self = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        try {
            return self.equals(Files.readSymbolicLink(Path.of("/proc/1/ns/net")).toString());
        } catch (IOException | RuntimeException e) {
            // Every kernel since 3.8 gives the initial namespace this fixed inode (DM audit needs
            // 5.16), so any other inode is a namespace of its own, where no records arrive.
            return self.equals(INIT_NET_LINK);
        }
    }

    /** The link text of the initial network namespace on kernels with fixed init inodes. */
    static final String INIT_NET_LINK = "net:[" + 0xEFFFFFF9L + "]";
}
