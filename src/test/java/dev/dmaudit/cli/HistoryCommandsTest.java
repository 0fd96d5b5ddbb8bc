package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** listen --history, then report, check and ack on what it stored, against the events it was fed. */
class HistoryCommandsTest {
    private ListenCommand.ListenerFactory saved;
    private List<SyntheticDm.Dm> fed;

    @BeforeEach
    void save() {
        saved = ListenCommand.factory;
    }

    @AfterEach
    void restore() {
        ListenCommand.factory = saved;
    }

    /** Three devices; sectors repeat so distinct sectors differ from counts. */
    static List<SyntheticDm.Dm> burst(long firstSerial, int n) {
        List<SyntheticDm.Dm> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String dev = "254:" + (i % 3);
            out.add(new SyntheticDm.Dm(firstSerial + i, dev, 1000 + (i * 7L) % (5 + i % 3 * 10)));
        }
        return out;
    }

    private CliRun listen(Path db, Path out, List<SyntheticDm.Dm> events, String... extra) {
        fed = events;
        ListenCommand.factory = b -> b.source(new SyntheticDm(events)).resolveDeviceNames(false).build();
        List<String> args = new ArrayList<>(List.of("listen", "--format", "json", "--output", out.toString(),
                "--count", String.valueOf(events.size()), "--history", db.toString(), "--stats"));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }

    @Test
    void reportAndCheckMatchWhatListenStoredAndAckHoldsUntilTheNextFailure(@TempDir Path dir) throws IOException {
        Path db = dir.resolve("state/history.db");
        List<SyntheticDm.Dm> events = burst(100, 300);
        CliRun l = listen(db, dir.resolve("out.jsonl"), events);
        assertThat(l.exitCode()).as(l.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(300);
        assertThat(l.err()).contains("sink.history.delivered=300 sink.history.dropped=0 sink.history.failed=0");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db.getParent()))).isEqualTo("rwx------");

        Map<String, Long> counts = new HashMap<>();
        Map<String, Set<Long>> sectors = new HashMap<>();
        for (SyntheticDm.Dm e : events) {
            counts.merge(e.dev(), 1L, Long::sum);
            sectors.computeIfAbsent(e.dev(), k -> new HashSet<>()).add(e.sector());
        }
        CliRun r = CliRun.run("report", "--history", db.toString(), "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, long[]> got = perDevice(r.out());
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(counts.keySet());
        for (String dev : counts.keySet()) {
            assertThat(got.get(dev)[0]).as("failures of " + dev).isEqualTo(counts.get(dev));
            assertThat(got.get(dev)[1]).as("distinct sectors of " + dev).isEqualTo(sectors.get(dev).size());
        }
        CliRun text = CliRun.run("report", "--history", db.toString(), "--device", "254:1");
        assertThat(text.out()).startsWith("254:1 (unnamed)").contains("data failures: 100 (100 unacknowledged), distinct sectors: "
                + sectors.get("254:1").size()).doesNotContain("254:0");

        CliRun c = CliRun.run("check", "--history", db.toString());
        assertThat(c.exitCode()).isEqualTo(2);
        assertThat(c.out()).startsWith("DMAUDIT CRITICAL - 300 unacknowledged data failures on 3 devices").hasLineCount(1);
        assertThat(CliRun.run("check", "--history", db.toString(), "--warn", "1", "--crit", "1000").exitCode()).isEqualTo(1);

        CliRun a = CliRun.run("ack", "254:0", "--history", db.toString(), "--note", "replaced");
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(CliRun.run("check", "--history", db.toString()).out()).contains("200 unacknowledged data failures on 2 devices");
        assertThat(CliRun.run("report", "--history", db.toString(), "--device", "254:0").out()).contains("all acknowledged", ": replaced");
        assertThat(CliRun.run("ack", "--all", "--history", db.toString()).exitCode()).isZero();
        CliRun ok = CliRun.run("check", "--history", db.toString());
        assertThat(ok.exitCode()).as(ok.out()).isZero();
        assertThat(ok.out()).startsWith("DMAUDIT OK - no unacknowledged data failures (3 devices in the history)");

        // A new failure: check fails again, for that one only; the acknowledged ones stay in the report.
        CliRun again = listen(db, dir.resolve("out2.jsonl"), List.of(new SyntheticDm.Dm(9000, "254:2", 42)));
        assertThat(again.exitCode()).as(again.err()).isZero();
        CliRun c2 = CliRun.run("check", "--history", db.toString());
        assertThat(c2.exitCode()).isEqualTo(2);
        assertThat(c2.out()).startsWith("DMAUDIT CRITICAL - 1 unacknowledged data failure on 1 device: 254:2: 1");
        assertThat(perDevice(CliRun.run("report", "--history", db.toString(), "--format", "json").out()).get("254:2")[0])
                .isEqualTo(counts.get("254:2") + 1);
    }

    @Test
    void unknownDeviceAndMissingDatabaseAreOneLineErrors(@TempDir Path dir) {
        Path db = dir.resolve("none.db");
        CliRun r = CliRun.run("report", "--history", db.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(r.err()).hasLineCount(1).contains("no such file");
        CliRun c = CliRun.run("check", "--history", db.toString());
        assertThat(c.exitCode()).isEqualTo(3);
        assertThat(c.out()).startsWith("DMAUDIT UNKNOWN - history ").hasLineCount(1);
        CliRun l = listen(dir.resolve("h.db"), dir.resolve("o"), burst(1, 3));
        assertThat(l.exitCode()).isZero();
        CliRun a = CliRun.run("ack", "254:77", "--history", dir.resolve("h.db").toString());
        assertThat(a.exitCode()).isEqualTo(ExitCodes.BAD_NAME);
        assertThat(a.err()).hasLineCount(1).contains("no device 254:77");
        assertThat(CliRun.run("ack", "--history", dir.resolve("h.db").toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    /** @return device → {failures, distinct_sectors} from report's JSON */
    static Map<String, long[]> perDevice(String json) throws IOException {
        Map<String, long[]> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            String dev = null;
            long[] cur = null;
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME && depth == 3) {
                    String f = p.currentName();
                    p.nextToken();
                    switch (f) {
                        case "device" -> {
                            dev = p.getText();
                            cur = new long[2];
                            out.put(dev, cur);
                        }
                        case "failures" -> cur[0] = p.getLongValue();
                        case "distinct_sectors" -> cur[1] = p.getLongValue();
                        default -> p.skipChildren();
                    }
                }
            }
        }
        return out;
    }
}
