package dev.dmaudit.record.interpret;

import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.ValueKind;
import java.util.HashMap;
import java.util.Map;

/**
 * Field values as {@code ausearch -i} shows them (libauparse's {@code auparse_interpret_field}):
 * which fields are interpreted, and how, follows libauparse's field-name classes; the comparison
 * with the real library over the real log fixtures, and the known differences, are in
 * {@code AuparseInterpretTest} (docs/decoder-fidelity.md).
 *
 * <p>Interpreted: uids and gids (names, {@code unset}, {@code unknown(N)}), {@code ses} unset,
 * {@code arch}, {@code syscall} (names per architecture), negative {@code exit} (errno name and
 * text), {@code res}/{@code result}, capability sets and numbers, file {@code mode}, {@code saddr},
 * signals, the audit rule {@code list}, the promiscuous flag.
 * Hex-encoded and quoted values need nothing more: {@link AuditFields#value(int)} has decoded them.
 * Everything else has no interpretation ({@code null}). Thread-safe when its {@link IdNames} is.
 */
public final class Interpreter {
    private enum Kind { UID, GID, SESSION, ARCH, SYSCALL, EXIT, SUCCESS, CAP_BITMAP, CAPABILITY, MODE, SOCKADDR, SIGNAL, LIST, PROMISC }

    private static final long UNSET = 4294967295L;
    private static final Map<String, Kind> KINDS = new HashMap<>();

    static {
        for (String k : new String[] {"auid", "uid", "euid", "suid", "fsuid", "ouid", "oauid", "old-auid", "iuid", "id",
                "inode_uid", "sauid", "obj_uid", "old_auid", "new_auid"}) {
            KINDS.put(k, Kind.UID); // old_auid/new_auid: dmaudit's names for `old auid=` / `new auid=`
        }
        for (String k : new String[] {"gid", "egid", "sgid", "fsgid", "ogid", "igid", "inode_gid", "new_gid", "obj_gid"}) {
            KINDS.put(k, Kind.GID);
        }
        KINDS.put("ses", Kind.SESSION);
        KINDS.put("arch", Kind.ARCH);
        KINDS.put("syscall", Kind.SYSCALL);
        KINDS.put("exit", Kind.EXIT);
        KINDS.put("res", Kind.SUCCESS);
        KINDS.put("result", Kind.SUCCESS);
        for (String k : new String[] {"cap_pi", "cap_pe", "cap_pp", "cap_pa", "cap_fi", "cap_fp", "fp", "fi", "old_pp",
                "old_pi", "old_pe", "old_pa", "new_pp", "new_pi", "new_pe", "pp", "pi", "pe", "pa"}) {
            KINDS.put(k, Kind.CAP_BITMAP);
        }
        KINDS.put("capability", Kind.CAPABILITY);
        KINDS.put("mode", Kind.MODE);
        KINDS.put("saddr", Kind.SOCKADDR);
        KINDS.put("sig", Kind.SIGNAL);
        KINDS.put("sigev_signo", Kind.SIGNAL);
        KINDS.put("list", Kind.LIST);
        KINDS.put("prom", Kind.PROMISC);
        KINDS.put("old_prom", Kind.PROMISC);
    }

    private final IdNames ids;

    /** @param ids user and group names (an OS lookup; {@link IdNames#none()} for numbers only) */
    public Interpreter(IdNames ids) {
        this.ids = java.util.Objects.requireNonNull(ids, "ids");
    }

    /**
     * @param record a record
     * @param i      the index of one of its {@link AuditRecord#fields()}
     * @return the field as {@code ausearch -i} shows it, or null when it has no interpretation (show
     *         {@link AuditFields#value(int)}). A user record's {@code msg='…'} gives its inner fields,
     *         each interpreted, in one string.
     */
    public String interpret(AuditRecord record, int i) {
        AuditFields f = record.fields();
        String key = f.key(i);
        if (key.equals("msg") && f.kind(i) == ValueKind.SINGLE_QUOTED) {
            return nested(f.nested("msg"), f.get("arch"));
        }
        return interpret(key, f.raw(i), f.get("arch"));
    }

    private String nested(AuditFields inner, String arch) {
        if (inner.size() == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        boolean changed = false;
        for (int j = 0; j < inner.size(); j++) {
            String shown = interpret(inner.key(j), inner.raw(j), arch);
            changed |= shown != null || inner.kind(j) != ValueKind.PLAIN;
            b.append(j == 0 ? "" : " ").append(inner.key(j)).append('=').append(shown != null ? shown : inner.value(j));
        }
        return changed ? b.toString() : null;
    }

    /**
     * @param key  a field key
     * @param raw  its value as written (quotes removed, hex not decoded)
     * @param arch the record's {@code arch} field (hex), or null; names its system calls
     * @return the interpretation, or null when there is none
     */
    public String interpret(String key, String raw, String arch) {
        Kind kind = KINDS.get(key);
        if (kind == null || raw == null || raw.isEmpty()) {
            return null;
        }
        return switch (kind) {
            case UID -> id(raw, true);
            case GID -> id(raw, false);
            case SESSION -> raw.equals("4294967295") ? "unset" : null;
            case ARCH -> arch(raw);
            case SYSCALL -> syscall(raw, arch);
            case EXIT -> exit(raw);
            case SUCCESS -> success(raw);
            case CAP_BITMAP -> capabilities(raw);
            case CAPABILITY -> capability(raw);
            case MODE -> mode(raw);
            case SOCKADDR -> SockAddr.interpret(raw);
            case SIGNAL -> raw.equals("0") ? "SIG0" : named(InterpretTables.SIGNALS, raw, "unknown-signal("); // kill(pid, 0)
            case LIST -> named(InterpretTables.FILTER_LISTS, raw, "unknown-list(");
            case PROMISC -> decimal(raw) < 0 ? null : decimal(raw) == 0 ? "no" : "yes";
        };
    }

    /**
     * @param uid a user id
     * @return its name, {@code unset} (-1) or {@code unknown(N)}
     */
    public String user(long uid) {
        return id(uid, true);
    }

    /**
     * @param exit a system call's exit value
     * @return {@code ENAME(text)} for a known negative errno, else null
     */
    public String exit(long exit) {
        if (exit >= 0 || exit < -Integer.MAX_VALUE) {
            return null;
        }
        int e = (int) -exit;
        String name = at(InterpretTables.ERRNO_NAMES, e);
        return name == null ? null : name + "(" + InterpretTables.ERRNO_TEXTS[e] + ")";
    }

    private String id(String raw, boolean user) {
        if (isUnset(raw)) {
            return "unset";
        }
        long v = decimal(raw);
        return v < 0 ? null : id(v, user);
    }

    private String id(long v, boolean user) {
        if (v == UNSET || v == -1) {
            return "unset";
        }
        String name = user ? ids.user(v) : ids.group(v);
        return name != null ? name : "unknown(" + v + ")";
    }

    private static boolean isUnset(String raw) {
        return raw.equals("4294967295") || raw.equals("-1");
    }

    /** @return the non-negative decimal, or -1 */
    private static long decimal(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** @return the non-negative hex number (at most 16 digits), or -1 when it is not one (or has the top bit) */
    static long hex(String s) {
        if (s.isEmpty() || s.length() > 16) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String at(String[] table, long i) {
        return i >= 0 && i < table.length ? table[(int) i] : null;
    }

    static String archName(long value) {
        int i = java.util.Arrays.binarySearch(InterpretTables.ARCH_VALUES, value);
        return i >= 0 ? InterpretTables.ARCH_NAMES[i] : null;
    }

    private static String arch(String raw) {
        long v = hex(raw);
        if (v < 0) {
            return null;
        }
        String name = archName(v);
        return name != null ? name : "unknown-elf-type(" + raw + ")";
    }

    private static String syscall(String raw, String arch) {
        long n = decimal(raw);
        long a = arch == null ? -1 : hex(arch);
        if (n < 0 || a < 0) {
            return null;
        }
        String archName = archName(a);
        for (int i = 0; i < InterpretTables.SYSCALL_ARCHES.length; i++) {
            if (InterpretTables.SYSCALL_ARCHES[i].equals(archName)) {
                String name = at(InterpretTables.SYSCALLS[i], n);
                return name != null ? name : "unknown-syscall(" + n + ")";
            }
        }
        return null; // an architecture without a generated table: the number is all we know
    }

    private String exit(String raw) {
        if (!raw.startsWith("-")) {
            return null;
        }
        long v = decimal(raw.substring(1));
        return v <= 0 ? null : exit(-v);
    }

    private static String success(String raw) {
        long v = decimal(raw);
        if (v < 0) {
            return null; // words (user records' res=success) are already readable
        }
        return v == 0 ? "no" : v == 1 ? "yes" : "unset";
    }

    private static String capabilities(String raw) {
        long bits = hex(raw);
        if (bits < 0 && !raw.matches("[0-9a-fA-F]{16}")) {
            return null;
        }
        if (bits < 0) {
            bits = Long.parseUnsignedLong(raw, 16);
        }
        if (bits == 0) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            if ((bits & (1L << i)) != 0) {
                String name = at(InterpretTables.CAPABILITIES, i);
                b.append(b.length() == 0 ? "" : ",").append(name != null ? name : "unknown-capability(" + i + ")");
            }
        }
        return b.toString();
    }

    /** @return the name of a decimal number in a table, {@code unknownPrefix + N + ")"} when it has none */
    private static String named(String[] table, String raw, String unknownPrefix) {
        long v = decimal(raw);
        if (v < 0) {
            return null;
        }
        String name = at(table, v);
        return name != null ? name : unknownPrefix + v + ")";
    }

    private static String capability(String raw) {
        return named(InterpretTables.CAPABILITIES, raw, "unknown-capability(");
    }

    /** {@code file,suid,755}: the file type, set-id and sticky bits, then the permission bits, as auparse writes them. */
    private static String mode(String raw) {
        long m;
        try {
            m = raw.length() > 1 && raw.length() <= 22 && raw.startsWith("0") ? Long.parseLong(raw.substring(1), 8)
                    : raw.equals("0") ? 0 : -1;
        } catch (NumberFormatException e) {
            m = -1;
        }
        if (m < 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        b.append(switch ((int) (m & 0170000)) {
            case 0140000 -> "socket";
            case 0120000 -> "link";
            case 0100000 -> "file";
            case 0060000 -> "block";
            case 0040000 -> "dir";
            case 0020000 -> "character";
            case 0010000 -> "fifo";
            default -> String.format("%03o", (m & 0170000) >> 12);
        });
        if ((m & 04000) != 0) {
            b.append(",suid");
        }
        if ((m & 02000) != 0) {
            b.append(",sgid");
        }
        if ((m & 01000) != 0) {
            b.append(",sticky");
        }
        return b.append(',').append(String.format("%03o", m & 0777)).toString();
    }
}
