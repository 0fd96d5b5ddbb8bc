package dev.dmaudit.record;

/**
 * Keys whose values the kernel logs with audit_log_untrustedstring(): quoted when plain, but as
 * unquoted uppercase hex when they hold a space, quote, control or non-ASCII byte. Only for these
 * keys is an unquoted hex value decoded, so numbers like {@code a1=c138fd09} stay as written.
 */
final class UntrustedKeys {
    private static final String[] KEYS = {
        "comm", "exe", "proctitle", "cwd", "name", "path", "cmd", "data", "acct", "ocomm", "key",
        "dir", "file", "grp", "new_group", "vm", "root_dir",
    };

    private UntrustedKeys() {
    }

    /**
     * @param execve true inside an EXECVE record, whose a0, a1, … (and split a2[0]) are argv
     *               strings; elsewhere a0… are syscall arguments in lowercase hex
     */
    static boolean isUntrusted(byte[] b, int ks, int ke, boolean execve) {
        if (execve && ke - ks >= 2 && b[ks] == 'a' && isArgSuffix(b, ks + 1, ke)) {
            return true;
        }
        outer:
        for (String k : KEYS) {
            if (k.length() != ke - ks) {
                continue;
            }
            for (int i = 0; i < k.length(); i++) {
                if (b[ks + i] != k.charAt(i)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean isArgSuffix(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == from) {
            return false;
        }
        if (i == to) {
            return true;
        }
        if (b[i] != '[' || b[to - 1] != ']') {
            return false;
        }
        for (int j = i + 1; j < to - 1; j++) {
            if (b[j] < '0' || b[j] > '9') {
                return false;
            }
        }
        return to - 1 > i + 1;
    }
}
