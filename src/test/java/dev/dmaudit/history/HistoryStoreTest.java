package dev.dmaudit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's schema versions, retention (aggregates kept), acknowledgements and refusals. */
class HistoryStoreTest {
    private static final long T0 = 1_795_838_689_000L;

    static Event failure(long serial, long time, int minor, long sector) {
        DmEvent dm = new DmEvent(serial, time, List.of(new DmData("integrity", "integrity-checksum", new DeviceNumber(254, minor), sector, false)),
                null, null, "d" + minor);
        return Event.of(new AuditEvent(serial, time, List.of(), AuditEvent.Completion.STANDALONE), dm);
    }

    @Test
    void locatedFailuresAreStoredWithTheirLocationAndCountedPerDamagedFile(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h/history.db");
        dev.dmaudit.locate.Location file = new dev.dmaudit.locate.Location(dev.dmaudit.locate.Location.Kind.FILE, "ext4",
                "/dev/mapper/d0", "/srv", List.of("/srv/db/table one.ibd", "/srv/link"), 12L, 81920L, 32852L, List.of(), null,
                List.of(new dev.dmaudit.locate.Location.Step("254:0", "d0", "integrity", 262816)));
        dev.dmaudit.locate.Location table = new dev.dmaudit.locate.Location(dev.dmaudit.locate.Location.Kind.METADATA, "ext4",
                "/dev/mapper/d0", "/srv", List.of(), null, null, 1059L, List.of(13L, 14L), "inode_table", List.of());
        // the same wiring as listen --history --locate (cli.HistoryOptions)
        HistorySink sink = HistorySink.builder(HistoryStore.openForWriting(db))
                .location(e -> e.location() == null ? null : dev.dmaudit.sink.LocationFormat.jsonText(e.location()))
                .damaged(e -> e.location() == null ? null : dev.dmaudit.sink.LocationFormat.damaged(e.location()))
                .build();
        sink.accept(failure(1, T0, 0, 262816).withLocation(file));
        sink.accept(failure(2, T0 + 1, 0, 262824).withLocation(file)); // another sector of the same file
        sink.accept(failure(3, T0 + 2, 0, 8472).withLocation(table));
        sink.accept(failure(4, T0 + 3, 0, 9000)); // not located
        sink.close();
        try (HistoryStore s = HistoryStore.openForReading(db)) {
            HistoryReader.Device d = new HistoryReader(s).devices("254:0", null, 5).get(0);
            assertThat(d.failures()).isEqualTo(4);
            assertThat(d.files()).extracting(HistoryReader.Spot::where, HistoryReader.Spot::failures)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("/srv/db/table one.ibd", 2L),
                            org.assertj.core.groups.Tuple.tuple("metadata: inode_table", 1L));
            assertThat(s.count("SELECT count(*) FROM events WHERE location IS NULL")).isEqualTo(1);
            assertThat(s.count("SELECT count(*) FROM events WHERE json_extract(location, '$.file_offset') = 81920"
                    + " AND json_extract(location, '$.paths[1]') = '/srv/link'")).isEqualTo(2);
        }
    }

    @Test
    void aNewerSchemaIsRefusedAndNeverWritten(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h/history.db");
        try (HistoryStore s = HistoryStore.openForWriting(db); Statement st = s.connection().createStatement()) {
            assertThat(Schema.version(s.connection())).isEqualTo(Schema.current());
            st.execute("PRAGMA user_version = " + (Schema.current() + 1));
        }
        long size = Files.size(db);
        assertThatThrownBy(() -> HistoryStore.openForWriting(db)).isInstanceOf(HistoryException.class)
                .hasMessage("history " + db + ": cannot open for writing: schema version " + (Schema.current() + 1)
                        + " is newer than this dmaudit's (" + Schema.current() + "): upgrade dmaudit");
        assertThatThrownBy(() -> HistoryStore.openForReading(db)).hasMessageContaining("is newer than this dmaudit's");
        assertThat(Files.size(db)).isEqualTo(size);
    }

    @Test
    void anOlderSchemaIsMigratedByTheWriterAndRefusedByReaders(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h/history.db");
        HistoryStore.openForWriting(db).close();
        try (HistoryStore s = HistoryStore.openForWriting(db); Statement st = s.connection().createStatement()) {
            for (String t : List.of("events", "devices", "sectors", "device_ops", "files", "sessions", "acks")) {
                st.execute("DROP TABLE " + t);
            }
            st.execute("PRAGMA user_version = 0");
        }
        try (HistoryStore s = HistoryStore.openForWriting(db)) {
            assertThat(Schema.version(s.connection())).isEqualTo(Schema.current());
            assertThat(s.count("SELECT count(*) FROM sqlite_master WHERE type = 'table'")).isEqualTo(7);
        }
    }

    @Test
    void pruningByAgeAndSizeKeepsTheCounts(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h/history.db");
        long[] now = {T0};
        HistorySink sink = HistorySink.builder(HistoryStore.openForWriting(db)).clock(() -> now[0]).build();
        for (int i = 0; i < 5000; i++) {
            sink.accept(failure(i + 1, T0 + i, i % 2, i % 100));
        }
        sink.accept(new Event(new AuditEvent(9000, T0, List.of(), AuditEvent.Completion.EOE),
                new DmEvent(9000, T0, List.of(new DmControl("integrity", "ctr", new DeviceNumber(254, 1), "bad", false)), null, null, null),
                1, T0, T0, false));
        sink.close();
        try (HistoryStore s = HistoryStore.openForWriting(db)) {
            // Age: rows older than T0 + 3000 go (3000 of them, plus the ctr record at T0).
            assertThat(s.prune(Duration.ofMillis(2000), 0, T0 + 5000)).isEqualTo(3001);
            assertThat(s.count("SELECT count(*) FROM events")).isEqualTo(2000);
            // Size: three quarters of what is left.
            long bound = s.usedBytes() * 3 / 4;
            long deleted = s.prune(null, bound, T0 + 5000);
            assertThat(deleted).isBetween(1L, 1999L);
            assertThat(s.usedBytes()).isLessThanOrEqualTo(bound);
            HistoryReader r = new HistoryReader(s);
            List<HistoryReader.Device> all = r.devices(null, null, 3);
            assertThat(all).extracting(HistoryReader.Device::device).containsExactly("254:0", "254:1");
            assertThat(all).extracting(HistoryReader.Device::failures).containsExactly(2500L, 2500L);
            assertThat(all).extracting(HistoryReader.Device::distinctSectors).containsExactly(50L, 50L);
            assertThat(all.get(1).controlFailures()).isEqualTo(1);
            assertThat(all.get(0).topSectors()).hasSize(3).allMatch(sp -> sp.failures() == 50);
            // --since counts what is left of the raw rows; a start before every event is all time.
            assertThat(r.devices(null, T0, 3)).extracting(HistoryReader.Device::failures).containsExactly(2500L, 2500L);
            assertThat(r.devices(null, T0 + 1, 3)).extracting(HistoryReader.Device::failures)
                    .containsExactly((2000L - deleted) / 2, (2000L - deleted) / 2);
        }
    }

    @Test
    void acknowledgementsAreKeptAndANewFailureCountsAgain(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h/history.db");
        HistorySink sink = HistorySink.builder(HistoryStore.openForWriting(db)).build();
        sink.accept(failure(1, T0, 0, 10));
        sink.accept(failure(2, T0 + 1, 0, 11));
        sink.close();
        try (HistoryStore s = HistoryStore.openExisting(db)) {
            assertThat(s.acknowledge("d0", "looked", "alice", T0 + 10)).isEqualTo(1);
            assertThat(s.acknowledge("254:9", null, "alice", T0 + 10)).isZero();
        }
        sink = HistorySink.builder(HistoryStore.openForWriting(db)).build();
        sink.accept(failure(3, T0 + 20, 0, 10));
        sink.close();
        try (HistoryStore s = HistoryStore.openForReading(db)) {
            HistoryReader.Device d = new HistoryReader(s).devices("254:0", null, 5).get(0);
            assertThat(d.failures()).isEqualTo(3);
            assertThat(d.unacknowledged()).isEqualTo(1);
            assertThat(d.ackNote()).isEqualTo("looked");
            assertThat(d.distinctSectors()).isEqualTo(2);
            assertThat(s.count("SELECT count(*) FROM acks WHERE user = 'alice' AND failures = 2")).isEqualTo(1);
            assertThat(new HistoryReader(s).sessions(null)).hasSize(2).allMatch(x -> x.stopped() != null);
        }
    }

    @Test
    void refusesADirectoryOthersCanWriteAndAFileThatIsALink(@TempDir Path dir) throws IOException {
        Path open = dir.resolve("open");
        Files.createDirectory(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> HistoryStore.openForWriting(open.resolve("h.db")))
                .hasMessageStartingWith("history " + open.resolve("h.db") + ": refusing the directory: ")
                .hasMessageContaining("group- or world-writable");
        Path mine = dir.resolve("mine");
        Files.createDirectory(mine);
        Files.createSymbolicLink(mine.resolve("h.db"), dir.resolve("elsewhere.db"));
        assertThatThrownBy(() -> HistoryStore.openForWriting(mine.resolve("h.db"))).hasMessageEndingWith(": not a regular file");
        assertThat(dir.resolve("elsewhere.db")).doesNotExist();
    }

    @Test
    void gapsShowKilledSessionsIdleTimesAndLosses() throws SQLException {
        List<HistoryReader.Gap> gaps = HistoryReader.gaps(List.of(
                new HistoryReader.Session(1, 0, 100, null, 5, "", null),
                new HistoryReader.Session(2, 500, 900, 1000L, 5, "dropped_queue=3", 0L),
                new HistoryReader.Session(3, 2000, 2100, null, 1, "", 7L)));
        assertThat(gaps).containsExactly(
                new HistoryReader.Gap(100, 500L, "session 1 ended without stopping (killed or crashed) after its last commit;"
                        + " nothing listened until session 2 started"),
                new HistoryReader.Gap(1000, 2000L, "no listener between session 2 and session 3"),
                new HistoryReader.Gap(500, 1000L, "session 2 lost events: dropped_queue=3"),
                new HistoryReader.Gap(2000, 2100L, "session 3: the kernel's lost counter grew by 7 (records it dropped from its"
                        + " own queues; a loss for the audit daemon, not necessarily for a multicast listener)"));
    }
}
