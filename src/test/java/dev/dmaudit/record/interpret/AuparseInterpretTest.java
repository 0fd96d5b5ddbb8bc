package dev.dmaudit.record.interpret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuparseDump;
import dev.dmaudit.record.MalformedRecordException;
import dev.dmaudit.record.ValueKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Interpreter} against the real libauparse's {@code auparse_interpret_field} (issue 15 item
 * 5): every real log fixture goes through tools/auparse-dump.c {@code -i} (built here) and through
 * {@link AuditLogParser} + {@link Interpreter}; records are matched by line number, fields by key and
 * raw value (their agreement is AuparseAgreementTest's), and each field's interpretation is compared
 * with auparse's. uid/gid names come from this machine for both: the test's {@link IdNames} reads
 * them with getent, as auparse does through NSS. A difference fails the test unless a {@link Quirk}
 * (the one list of known differences) explains it; every quirk must occur. Needs cc and
 * libauparse-dev (.ci/run installs them); skips otherwise.
 */
class AuparseInterpretTest {
    private static final Path EDGE_CASES = Path.of("src/test/resources/interpret/edge-cases.log");

    /** auparse's field type numbers (auparse-defs.h) this list names. */
    /** ESCAPED, PROCTITLE, ESCAPED_KEY, ESCAPED_FILE: decoded or unquoted, which dmaudit's values always are. */
    private static final java.util.Set<Integer> ESCAPED_TYPES = java.util.Set.of(6, 33, 38, 39);
    private static final int A0 = 14;
    private static final int A3 = 17;

    /** One compared field: auparse's type number, key, raw value, auparse's and dmaudit's interpretation. */
    record F(int type, String key, String raw, String auparse, String dmaudit) {}

    /**
     * The known differences, each once with its reason. dmaudit interprets what ausearch -i makes
     * readable for DM events and their companions (ids, arch, syscall, exit, res, capabilities,
     * modes, socket addresses); the rest of auparse's field classes are listed here as not
     * interpreted, with the number of fields of each in the fixtures.
     */
    enum Quirk {
        SYSCALL_ARGS_NOT_INTERPRETED("a0-a3 of SYSCALL: auparse decodes them per system call (open flags, signals, "
                + "pointers as 0x…); dmaudit keeps the hex as written",
                f -> f.type >= A0 && f.type <= A3),
        UNCLASSIFIED_QUOTES("fields auparse does not classify keep their double quotes in its interpretation; "
                + "dmaudit shows the value without them (as it does without --interpret)",
                f -> f.type == 0 && f.auparse.equals("\"" + f.dmaudit + "\"")),
        CLASSES_NOT_INTERPRETED("auparse classes dmaudit does not interpret (none occurs in DM events): TTY data (auparse "
                + "quotes it), family (netfilter protocol: an enum, which cpp cannot read from the header), code (seccomp action)",
                f -> NOT_INTERPRETED.contains(f.type)),
        CONTROL_CHARS_ESCAPED("auparse writes control characters of a decoded value as \\ooo (its default escaping); "
                + "dmaudit keeps them decoded (the JSON writer escapes them, the text writer makes them visible)",
                f -> f.auparse.equals(octal(f.dmaudit))),
        NOT_A_NUMBER("auparse reads a value that is not a number as 0 (auid=? gives root, mode=abc 000,000, capability=x "
                + "chown) and saddr=zz as malformed-host(zz); dmaudit keeps such a value as written",
                f -> f.dmaudit.equals(f.raw) && (java.util.Set.of(1, 2, 8, 12).contains(f.type) && !f.raw.matches("-?\\d+")
                        || f.type == 9 && !f.raw.matches("([0-9A-Fa-f]{2})+"))),
        UNKNOWN_ID_SIGNED("auparse prints an id without a name as a signed int (uid=4294967294 gives unknown(-2)); dmaudit "
                + "as the kernel wrote it, unknown(4294967294)",
                f -> (f.type == 1 || f.type == 2) && f.dmaudit.equals("unknown(" + f.raw + ")")
                        && f.auparse.equals("unknown(" + (int) Long.parseLong(f.raw) + ")")),
        UNKNOWN_ERRNO("a negative exit that is no errno: auparse prints (null)(Unknown error N); dmaudit keeps the number",
                f -> f.key.equals("exit") && f.auparse.startsWith("(null)(") && f.dmaudit.equals(f.raw)),
        CAP_BITS_WITHOUT_NAME("capability bits no name is known for: auparse leaves them out; dmaudit lists them as "
                + "unknown-capability(N)",
                f -> f.type == 22 && f.dmaudit.replaceAll(",unknown-capability\\(\\d+\\)", "").equals(f.auparse)),
        UNKNOWN_TO_AUPARSE("values newer than auparse 3.0.9's tables (socket family 45 mctp, arch riscv64, rule list 7 "
                + "uring_exit): auparse unknown-…(N), dmaudit names them from the headers",
                f -> java.util.Set.of(4, 9, 19).contains(f.type) && f.auparse.startsWith("unknown-")
                        && !f.dmaudit.startsWith("unknown")),
        LIST_FS_NAMED_FILESYSTEM("auparse names rule list 6 filesystem (auditctl's word); dmaudit the header's, fs",
                f -> f.type == 19 && f.auparse.equals("filesystem") && f.dmaudit.equals("fs")),
        ARM_NAMED_ARMEB("auparse names AUDIT_ARCH_ARM (little-endian ARM, 40000028) armeb; dmaudit uses the header's name, arm",
                f -> f.type == 4 && f.auparse.equals("armeb") && f.dmaudit.equals("arm")),
        SYSCALL_WITHOUT_TABLE("dmaudit generates system call names for x86_64, i386 and aarch64 (the headers Debian ships) "
                + "and keeps the number on other architectures; auparse has tables for more (ppc64le, s390x…) and names "
                + "an unknown architecture's calls from another table",
                f -> f.type == 3 && f.dmaudit.equals(f.raw)),
        KEY_NULL_PREFIX("key=(null)ARCH=x86_64 (go-libaudit's ubuntu-21.10 sample lost the 0x1d before its ENRICHED "
                + "trailer): auparse shows any key starting with (null) as (null); dmaudit keeps the value as written",
                f -> f.key.equals("key") && f.raw.startsWith("(null)") && f.auparse.equals("(null)")),
        SECCOMP_SYSCALL_UNNAMED("auparse names no system call in SECCOMP records (unknown-syscall(-1)); dmaudit names it "
                + "from the record's arch",
                f -> f.key.equals("syscall") && f.auparse.equals("unknown-syscall(-1)")),
        ;

        final String reason;
        final Predicate<F> explains;

        Quirk(String reason, Predicate<F> explains) {
            this.reason = reason;
            this.explains = explains;
        }
    }

    /** auparse field types CLASSES_NOT_INTERPRETED lists: TTY_DATA, NFPROTO, SECCOMP. */
    private static final java.util.Set<Integer> NOT_INTERPRETED = java.util.Set.of(20, 23, 28);

    /** Control characters as auparse escapes them: backslash and three octal digits. */
    static String octal(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                b.append('\\').append(String.format("%03o", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static Path dump;

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        dump = AuparseDump.build(dir);
    }

    /** Names as NSS gives them on this machine (getent), like auparse's getpwuid/getgrgid. */
    static final class Getent implements IdNames {
        private final Map<String, String> cache = new HashMap<>();
        private final Path tmp;

        Getent(Path tmp) {
            this.tmp = tmp;
        }

        @Override
        public String user(long uid) {
            return name("passwd", uid);
        }

        @Override
        public String group(long gid) {
            return name("group", gid);
        }

        private String name(String db, long id) {
            String key = db + id;
            if (cache.containsKey(key)) {
                return cache.get(key);
            }
            try {
                AuparseDump.Run r = AuparseDump.run(List.of("getent", db, Long.toString(id)), tmp);
                int colon = r.out().indexOf(':');
                String name = r.rc() == 0 && colon > 0 ? r.out().substring(0, colon) : null;
                cache.put(key, name);
                return name;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The real logs, and interpret/edge-cases.log: values the real logs lack (other arches, families, modes, bits). */
    static List<Path> logs() throws IOException {
        List<Path> logs = new ArrayList<>(AuparseDump.realLogs());
        logs.add(EDGE_CASES);
        return logs;
    }

    /** auparse's fields of one record: {type, key, raw without enclosing double quotes, interpretation}. */
    static Map<Integer, List<String[]>> auparse(String out) {
        Map<Integer, List<String[]>> recs = new HashMap<>();
        List<String[]> cur = null;
        for (String l : out.split("\n")) {
            if (l.startsWith("R ")) {
                cur = new ArrayList<>();
                recs.put(Integer.parseInt(l.substring(2, l.indexOf(' ', 2))), cur);
            } else if (l.startsWith("F ") && cur != null) {
                String[] p = l.substring(2).split("\t", -1);
                String raw = AuparseDump.unescape(p[1]);
                if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
                    raw = raw.substring(1, raw.length() - 1);
                }
                cur.add(new String[] {p[2], AuparseDump.unescape(p[0]), raw, AuparseDump.unescape(p[3])});
            }
        }
        return recs;
    }

    @Test
    void everyInterpretationAgreesWithLibauparseOrIsAListedQuirk(@TempDir Path tmp) throws Exception {
        Interpreter interpreter = new Interpreter(new Getent(tmp));
        int compared = 0;
        int agreeing = 0;
        int changedByAuparse = 0;
        Map<Quirk, Integer> byKind = new EnumMap<>(Quirk.class);
        Map<String, Integer> unexplainedByType = new TreeMap<>();
        List<String> unexplained = new ArrayList<>();
        AuditLogParser parser = new AuditLogParser();
        for (Path log : logs()) {
            AuparseDump.Run r = AuparseDump.run(List.of(dump.toString(), "-i", log.toString()), tmp);
            assertThat(r.rc()).as("auparse-dump -i %s: %s", log, r.err()).isZero();
            Map<Integer, List<String[]>> au = auparse(r.out());
            String[] lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n", -1);
            for (var e : au.entrySet()) {
                AuditRecord rec;
                try {
                    rec = parser.parse(lines[e.getKey() - 1].getBytes(StandardCharsets.UTF_8));
                } catch (MalformedRecordException ex) {
                    continue; // AuparseAgreementTest reports records only auparse reads
                }
                List<F> mine = dmaudit(rec, interpreter);
                for (String[] a : e.getValue()) {
                    F d = take(mine, a[1], a[2]);
                    if (d == null) {
                        continue; // a field the parsers see differently: AuparseAgreementTest's business
                    }
                    compared++;
                    F f = new F(Integer.parseInt(a[0]), a[1], a[2], a[3], d.dmaudit);
                    if (!f.auparse.equals(f.raw) && !ESCAPED_TYPES.contains(f.type)) {
                        changedByAuparse++;
                    }
                    if (f.auparse.equals(f.dmaudit)) {
                        agreeing++;
                        continue;
                    }
                    Quirk q = java.util.Arrays.stream(Quirk.values()).filter(k -> k.explains.test(f)).findFirst().orElse(null);
                    if (q != null) {
                        byKind.merge(q, 1, Integer::sum);
                    } else {
                        unexplained.add(log.getFileName() + ":" + e.getKey() + " " + f);
                        unexplainedByType.merge("type " + f.type, 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("auparse interpretation: %d fields compared, %d agree (%d of them changed by auparse), listed: %s%n",
                compared, agreeing, changedByAuparse, byKind);
        System.out.println("  not listed by auparse type: " + unexplainedByType);
        unexplained.forEach(u -> System.out.println("  NOT LISTED " + u));
        assertThat(compared).as("fields compared").isGreaterThan(1000);
        assertThat(unexplained).as("interpretations differing from libauparse, not listed in Quirk").isEmpty();
        assertThat(byKind.keySet()).as("every listed quirk occurs (else remove it)").containsExactlyInAnyOrder(Quirk.values());
    }

    /** Takes the first of dmaudit's fields with this key and raw value. */
    private static F take(List<F> fields, String key, String raw) {
        for (Iterator<F> it = fields.iterator(); it.hasNext(); ) {
            F f = it.next();
            if (f.key.equals(key) && f.raw.equals(raw)) {
                it.remove();
                return f;
            }
        }
        return null;
    }

    /** dmaudit's fields with their interpretation; a user record's msg='…' as its inner fields, as auparse reports them. */
    private static List<F> dmaudit(AuditRecord rec, Interpreter interpreter) {
        List<F> out = new ArrayList<>();
        if (rec.node() != null) {
            out.add(new F(-1, "node", rec.node(), null, rec.node()));
        }
        AuditFields f = rec.fields();
        for (int i = 0; i < f.size(); i++) {
            AuditFields inner = f.key(i).equals("msg") && f.kind(i) == ValueKind.SINGLE_QUOTED ? f.nested("msg") : AuditFields.empty();
            if (inner.size() > 0) {
                for (int j = 0; j < inner.size(); j++) {
                    String shown = interpreter.interpret(inner.key(j), inner.raw(j), f.get("arch"));
                    out.add(new F(-1, inner.key(j), inner.raw(j), null, shown != null ? shown : inner.value(j)));
                }
            } else {
                String shown = interpreter.interpret(rec, i);
                out.add(new F(-1, f.key(i), f.raw(i), null, shown != null ? shown : f.value(i)));
            }
        }
        return out;
    }
}
