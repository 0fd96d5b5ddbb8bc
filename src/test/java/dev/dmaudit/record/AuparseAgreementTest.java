package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field-by-field agreement of the audit.log decoder with the real libauparse (issue 15 item 6):
 * every fixture in testdata/ goes through tools/auparse-dump.c (built here against libauparse) and
 * through {@link AuditLogParser}; records are matched by line number, then type and every field
 * key/raw value are compared, and the order of the fields both report. A difference fails the test unless a {@link Quirk} (the one list of
 * known differences) explains it. Needs cc and libauparse-dev (.ci/run installs them); skips
 * otherwise.
 */
class AuparseAgreementTest {

    /**
     * The known differences, each listed once with its reason. A pair quirk explains a field
     * auparse reports ({@code a}: key, value as written minus enclosing double quotes) by a field
     * dmaudit reports ({@code d}: key, raw, value); one dmaudit field may explain several auparse
     * fields. A one-sided quirk explains a field, or an EOE record, only one of them reports.
     * Every quirk must occur in the fixtures, so the list cannot go stale.
     */
    enum Quirk {
        OLD_NEW_PREFIX("dmaudit names `old auid=… new auid=…` old_auid/new_auid (as go-libaudit); auparse reports two auid",
                (a, d) -> (d[0].equals("old_" + a[0]) || d[0].equals("new_" + a[0])) && d[1].equals(a[1]), null, null),
        AVC_PERMS_COMMAS("auparse joins the AVC permission list `{ read write }` with commas; dmaudit's raw keeps the spaces",
                (a, d) -> a[0].equals("seperms") && d[0].equals("seperms") && a[1].equals(d[1].replace(' ', ',')), null, null),
        MULTI_KEY_SPLIT("auparse splits a hex key= holding several rule keys (0x01 between them) into one decoded key field each; "
                + "dmaudit keeps one field (value() decodes it)",
                (a, d) -> a[0].equals("key") && d[0].equals("key") && List.of(d[2].split("\u0001")).contains(a[1]), null, null),
        HEX_WITH_STRAY_QUOTE("a hex key= followed by a stray \" (go-libaudit's ubuntu17 sample): auparse decodes the hex before it, "
                + "dmaudit keeps the malformed value as written",
                (a, d) -> a[0].equals("key") && d[0].equals("key") && d[1].endsWith("\"")
                        && List.of(hex(d[1].substring(0, d[1].length() - 1)).split("\u0001")).contains(a[1]), null, null),
        DOUBLE_QUOTE_CUT_AT_SPACE("auparse ends a double-quoted value at its first space (reason=\"memory violation\" gives \"memory)",
                (a, d) -> a[0].equals(d[0]) && a[1].startsWith("\"") && d[1].startsWith(a[1].substring(1) + " "), null, null),
        SINGLE_QUOTE_KEPT("auparse unquotes only msg='…': other single-quoted values (DM's error_msg='…') keep the opening quote "
                + "and end at the first space",
                (a, d) -> a[0].equals(d[0]) && a[1].startsWith("'")
                        && (d[1].equals(a[1].substring(1)) || d[1].startsWith(a[1].substring(1) + " ")), null, null),
        APPARMOR_MODE_SUFFIX("AppArmor writes subj=PROFILE (MODE) with a space; dmaudit keeps the mode in the value, auparse drops it",
                (a, d) -> a[0].equals("subj") && d[0].equals("subj") && d[1].startsWith(a[1] + " ("), null, null),
        EMPTY_VALUE_SKIPPED("auparse skips a key= with nothing after it (sshd's `mac= pfs=…`); dmaudit reports it empty",
                null, null, d -> d[1].isEmpty()),
        ENRICHED_TRAILER_NOT_FIELDS("auparse 3.0.9 does not report the ENRICHED fields after 0x1d as fields; dmaudit gives them as enriched()",
                null, null, d -> d[0].chars().allMatch(c -> c == '_' || Character.isUpperCase(c) || Character.isDigit(c))),
        ORPHAN_EOE_DROPPED("auparse ends an event at a record it takes as the last (PROCTITLE, a single-record or unknown type) and "
                + "drops the EOE line that follows; dmaudit reads every line", null, null, null);

        final String reason;
        final BiPredicate<String[], String[]> pair;
        final Predicate<String[]> onlyAuparse;
        final Predicate<String[]> onlyDmaudit;

        Quirk(String reason, BiPredicate<String[], String[]> pair, Predicate<String[]> onlyAuparse,
              Predicate<String[]> onlyDmaudit) {
            this.reason = reason;
            this.pair = pair;
            this.onlyAuparse = onlyAuparse;
            this.onlyDmaudit = onlyDmaudit;
        }
    }

    private static Path dump;

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        dump = AuparseDump.build(dir);
    }

    /** One record: its type text and its fields in order ({key, raw} from auparse, {key, raw, value} from dmaudit). */
    record Rec(String type, List<String[]> fields) {}

    @Test
    void everyFieldAgreesWithLibauparseOrIsAListedQuirk(@TempDir Path tmp) throws Exception {
        int files = 0;
        int records = 0;
        int fields = 0;
        Map<Quirk, Integer> byKind = new java.util.EnumMap<>(Quirk.class);
        List<String> unexplained = new ArrayList<>();
        int agreeing = 0;
        for (Path log : AuparseDump.realLogs()) {
            files++;
            AuparseDump.Run r = AuparseDump.run(List.of(dump.toString(), log.toString()), tmp);
            assertThat(r.rc()).as("auparse-dump %s: %s", log, r.err()).isZero();
            Map<Integer, Rec> au = auparseRecords(r.out());
            Map<Integer, Rec> dm = dmauditRecords(log);
            for (Integer line : dm.keySet()) {
                Rec d = dm.get(line);
                if (au.containsKey(line)) {
                    continue;
                }
                if (d.type.equals("EOE") && d.fields.isEmpty()) {
                    byKind.merge(Quirk.ORPHAN_EOE_DROPPED, 1, Integer::sum);
                } else {
                    unexplained.add(log.getFileName() + ":" + line + " record only dmaudit reads: " + d.type);
                }
            }
            for (var e : au.entrySet()) {
                Rec a = e.getValue();
                Rec d = dm.get(e.getKey());
                String where = log.getFileName() + ":" + e.getKey() + " " + a.type;
                if (d == null) {
                    unexplained.add(where + " record only auparse reads");
                    continue;
                }
                records++;
                if (!a.type.equals(d.type)) {
                    unexplained.add(where + " type: dmaudit says " + d.type);
                }
                fields += a.fields.size();
                List<String[]> onlyA = new ArrayList<>(a.fields);
                List<String[]> onlyD = new ArrayList<>();
                List<String> agreedInDmauditOrder = new ArrayList<>();
                for (String[] f : d.fields) {
                    if (removeFirst(onlyA, f)) {
                        agreeing++;
                        agreedInDmauditOrder.add(f[0] + "=" + f[1]);
                    } else {
                        onlyD.add(f);
                    }
                }
                // the fields both report come in the same order
                List<String> agreedInAuparseOrder = a.fields.stream().filter(f -> !onlyA.contains(f))
                        .map(f -> f[0] + "=" + f[1]).toList();
                if (!agreedInAuparseOrder.equals(agreedInDmauditOrder)) {
                    unexplained.add(where + " field order: auparse " + agreedInAuparseOrder + ", dmaudit " + agreedInDmauditOrder);
                }
                explain(where, onlyA, onlyD, byKind, unexplained);
            }
        }
        System.out.printf("auparse agreement: %d files, %d records, %d auparse fields, %d agree exactly; listed differences: %s%n",
                files, records, fields, agreeing, byKind);
        unexplained.forEach(u -> System.out.println("  NOT LISTED " + u));
        assertThat(records).as("records compared").isPositive();
        assertThat(unexplained).as("differences from libauparse not listed in AuparseAgreementTest.Quirk").isEmpty();
        assertThat(byKind.keySet()).as("every listed quirk occurs (else remove it)").containsExactlyInAnyOrder(Quirk.values());
    }

    /** Removes what the quirks explain from both lists and reports the rest. */
    private static void explain(String where, List<String[]> onlyA, List<String[]> onlyD, Map<Quirk, Integer> byKind,
                                List<String> unexplained) {
        for (Iterator<String[]> di = onlyD.iterator(); di.hasNext(); ) {
            String[] d = di.next();
            for (Quirk q : Quirk.values()) {
                boolean used = q.pair != null && onlyA.removeIf(a -> q.pair.test(a, d));
                used = used || q.onlyDmaudit != null && q.onlyDmaudit.test(d);
                if (used) {
                    byKind.merge(q, 1, Integer::sum);
                    di.remove();
                    break;
                }
            }
        }
        for (Iterator<String[]> ai = onlyA.iterator(); ai.hasNext(); ) {
            String[] a = ai.next();
            for (Quirk q : Quirk.values()) {
                if (q.onlyAuparse != null && q.onlyAuparse.test(a)) {
                    byKind.merge(q, 1, Integer::sum);
                    ai.remove();
                    break;
                }
            }
        }
        onlyA.forEach(a -> unexplained.add(where + " only auparse: " + a[0] + "=" + a[1]));
        onlyD.forEach(d -> unexplained.add(where + " only dmaudit: " + d[0] + "=" + d[1]));
    }

    private static String hex(String h) {
        if (!h.matches("([0-9A-Fa-f]{2})+")) {
            return h;
        }
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static boolean removeFirst(List<String[]> list, String[] f) {
        for (Iterator<String[]> it = list.iterator(); it.hasNext(); ) {
            String[] g = it.next();
            if (g[0].equals(f[0]) && g[1].equals(f[1])) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** Parses auparse-dump's output; the record's {@code type} field becomes its type. */
    static Map<Integer, Rec> auparseRecords(String out) {
        Map<Integer, Rec> recs = new LinkedHashMap<>();
        int line = -1;
        for (String l : out.split("\n")) {
            if (l.startsWith("R ")) {
                line = Integer.parseInt(l.substring(2, l.indexOf(' ', 2)));
                recs.put(line, new Rec(null, new ArrayList<>()));
            } else if (l.startsWith("F ")) {
                int tab = l.indexOf('\t');
                String key = AuparseDump.unescape(l.substring(2, tab));
                String value = AuparseDump.unescape(l.substring(tab + 1));
                Rec cur = recs.get(line);
                // the record's own type=, first or after node=
                if (cur.type == null && key.equals("type")) {
                    recs.put(line, new Rec(value, cur.fields));
                } else {
                    cur.fields.add(new String[] {key, auparseRaw(value)});
                }
            }
        }
        return recs;
    }

    /** auparse gives the value as written; dmaudit's raw(i) drops the enclosing double quotes. */
    private static String auparseRaw(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** Each line of the file through {@link AuditLogParser}, keyed by line number (1-based). */
    static Map<Integer, Rec> dmauditRecords(Path log) throws IOException {
        Map<Integer, Rec> recs = new LinkedHashMap<>();
        for (var e : AuparseDump.parsedLines(log).entrySet()) {
            AuditRecord r = e.getValue();
            List<String[]> fs = new ArrayList<>();
            if (r.node() != null) {
                fs.add(new String[] {"node", r.node(), r.node()});
            }
            add(fs, r.fields());
            add(fs, r.enriched());
            recs.put(e.getKey(), new Rec(r.typeName(), fs));
        }
        return recs;
    }

    /** msg='…' of user records: auparse reports the fields inside it, so they are compared, not msg. */
    private static void add(List<String[]> out, AuditFields f) {
        for (int i = 0; i < f.size(); i++) {
            AuditFields inner = f.key(i).equals("msg") ? f.nested("msg") : AuditFields.empty();
            if (inner.size() > 0) {
                add(out, inner);
            } else {
                out.add(new String[] {f.key(i), f.raw(i), f.value(i)});
            }
        }
    }
}
