package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuparseDump;
import dev.dmaudit.record.RecordTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grouping of records into events agrees with the real libauparse on every real log fixture:
 * each event as the set of its records' line numbers (EOE lines left out: auparse drops some, see
 * AuparseAgreementTest), compared as sets of events. The logs include one whose records' times
 * jump back and forth (go-libaudit's audit-rhel7 sample), where an event opened before a step back
 * must neither hold back the events after it nor collect records beyond its timeout. A difference
 * fails the test unless a {@link Split} explains it; every listed one must occur.
 */
class AuparseGroupingTest {

    /** Where auparse ends an event that dmaudit keeps whole: after a record of these types. */
    enum Split {
        LOGIN_ENDS_EVENT("auparse ends an event at a LOGIN record; the kernel writes LOGIN with the SYSCALL "
                + "(and PROCTITLE) of the same serial, which dmaudit keeps in one event", "LOGIN"),
        UNKNOWN_TYPE_ENDS_EVENT("auparse 3.0.9 does not know DM_CTRL/DM_EVENT (1338/1339) and ends an event at a record "
                + "of a type it does not know", "?");

        final String reason;
        final String lastType;

        Split(String reason, String lastType) {
            this.reason = reason;
            this.lastType = lastType;
        }
    }

    /** An auparse event: its records' line numbers and auparse's type names, EOE left out. */
    record AuEvent(List<Integer> lines, List<String> types) {}

    private static Path dump;

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        dump = AuparseDump.build(dir);
    }

    @Test
    void eventsHoldTheRecordsAuparseGroupsOrAListedSplit(@TempDir Path tmp) throws Exception {
        int files = 0;
        int events = 0;
        Map<Split, Integer> splits = new EnumMap<>(Split.class);
        List<String> unexplained = new ArrayList<>();
        for (Path log : AuparseDump.realLogs()) {
            files++;
            AuparseDump.Run r = AuparseDump.run(List.of(dump.toString(), log.toString()), tmp);
            assertThat(r.rc()).as("auparse-dump %s: %s", log, r.err()).isZero();
            List<AuEvent> au = auparseEvents(r.out());
            Set<Set<Integer>> auSets = new HashSet<>();
            au.forEach(e -> auSets.add(new TreeSet<>(e.lines)));
            Set<Set<Integer>> used = new HashSet<>();
            for (Set<Integer> d : dmauditEvents(log)) {
                events++;
                if (auSets.contains(d)) {
                    used.add(d);
                    continue;
                }
                Split why = explain(d, au, used);
                if (why == null) {
                    unexplained.add(log.getFileName() + ": dmaudit's event of lines " + d + " is not one of auparse's");
                } else {
                    splits.merge(why, 1, Integer::sum);
                }
            }
            for (Set<Integer> a : auSets) {
                if (!used.contains(a)) {
                    unexplained.add(log.getFileName() + ": auparse's event of lines " + a + " is not one of dmaudit's");
                }
            }
        }
        System.out.printf("auparse grouping: %d files, %d dmaudit events; listed splits: %s%n", files, events, splits);
        unexplained.forEach(u -> System.out.println("  NOT LISTED " + u));
        assertThat(events).as("events compared").isGreaterThan(100);
        assertThat(unexplained).as("grouping differences from libauparse not listed in AuparseGroupingTest.Split").isEmpty();
        assertThat(splits.keySet()).as("every listed split occurs (else remove it)").containsExactlyInAnyOrder(Split.values());
    }

    /**
     * @return the split that explains dmaudit's event d (one serial's records) as auparse events
     *     within it, one after the other, each but the last ending in that split's record type;
     *     null if none does
     */
    private static Split explain(Set<Integer> d, List<AuEvent> au, Set<Set<Integer>> used) {
        for (Split s : Split.values()) {
            Set<Integer> covered = new TreeSet<>();
            List<Set<Integer>> parts = new ArrayList<>();
            for (AuEvent e : au) {
                if (!d.containsAll(e.lines) || e.lines.isEmpty()) {
                    continue;
                }
                boolean last = covered.size() + e.lines.size() == d.size();
                if (!last && !e.types.get(e.types.size() - 1).equals(s.lastType)) {
                    break;
                }
                covered.addAll(e.lines);
                parts.add(new TreeSet<>(e.lines));
                if (last) {
                    break;
                }
            }
            if (covered.equals(d) && parts.size() > 1) {
                used.addAll(parts);
                return s;
            }
        }
        return null;
    }

    private static List<AuEvent> auparseEvents(String out) {
        List<AuEvent> events = new ArrayList<>();
        AuEvent cur = null;
        for (String l : out.split("\n")) {
            if (l.startsWith("E ")) {
                cur = new AuEvent(new ArrayList<>(), new ArrayList<>());
                events.add(cur);
            } else if (l.startsWith("R ")) {
                String[] p = l.split(" ", 3);
                if (!p[2].equals("EOE")) {
                    cur.lines.add(Integer.parseInt(p[1]));
                    cur.types.add(p[2]);
                }
            }
        }
        events.removeIf(e -> e.lines.isEmpty());
        return events;
    }

    /** dmaudit's events of the log, as listen and decode group them: each a set of line numbers. */
    private static List<Set<Integer>> dmauditEvents(Path log) throws Exception {
        CollectingSink got = new CollectingSink();
        EventPipeline pipeline = EventPipeline.builder().filter(EventFilter.allEvents()).sink(got).build();
        Map<AuditRecord, Integer> lineOf = new IdentityHashMap<>();
        for (var e : AuparseDump.parsedLines(log).entrySet()) {
            AuditRecord rec = e.getValue();
            lineOf.put(rec, e.getKey());
            pipeline.accept(rec, rec.timeMillis()); // what acceptLogLine does, with the record in hand
        }
        pipeline.flush();
        List<Set<Integer>> events = new ArrayList<>();
        for (Event e : got.events) {
            Set<Integer> lines = new TreeSet<>();
            for (AuditRecord rec : e.audit().records()) {
                if (rec.type() != RecordTypes.EOE) {
                    lines.add(lineOf.get(rec));
                }
            }
            events.add(lines);
        }
        return events;
    }
}
