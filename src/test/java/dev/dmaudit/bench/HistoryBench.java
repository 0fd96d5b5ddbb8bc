package dev.dmaudit.bench;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.history.HistorySink;
import dev.dmaudit.history.HistoryStore;
import dev.dmaudit.record.DeviceNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Events per second into the history through {@link HistorySink} (the listener's path: one
 * transaction per burst, {@value #BURST}-event bursts), and the database's size per million
 * events. Usage: {@code HistoryBench DB EVENTS [DEVICES] [SECTORS]}; DB must not exist.
 *
 * <p>{@code HistoryBench bulk DB EVENTS}: a store of EVENTS failures on 8 devices and 100,000
 * sectors made by SQL in one statement per table (rows, then the aggregates grouped from them),
 * for timing {@code report} and {@code check} on a large history (tools/bench-history).
 */
public final class HistoryBench {
    static final int BURST = 100_000;

    private HistoryBench() {
    }

    private static void bulk(Path db, long n) throws Exception {
        long t0 = System.nanoTime();
        HistoryStore.openForWriting(db).close(); // the schema, as listen makes it
        dev.dmaudit.os.NativeDir.prepareSqlite();
        long base = 1_795_838_689_000L;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement()) {
            s.execute("PRAGMA synchronous = OFF");
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO sessions(id, started, updated, stopped, stored) VALUES (1, " + base + ", " + (base + n) + ", "
                    + (base + n) + ", " + n + ")");
            s.executeUpdate("WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < " + (n - 1) + ")"
                    + " INSERT INTO events(session_id, time_ms, serial, idx, kind, device, name, module, op, sector, result, count)"
                    + " SELECT 1, " + base + " + i, i + 1, 0, 'dm_data', '254:' || (i % 8), 'dev' || (i % 8), 'integrity',"
                    + " 'integrity-checksum', (i * 7919) % 100000, 'failed', 1 FROM c");
            s.executeUpdate("INSERT INTO devices(device, name, events, failures, first_seen, last_seen, first_failure, last_failure)"
                    + " SELECT device, min(name), count(*), count(*), min(time_ms), max(time_ms), min(time_ms), max(time_ms) FROM events GROUP BY device");
            s.executeUpdate("INSERT INTO device_ops SELECT device, module, op, result, count(*), min(time_ms), max(time_ms) FROM events"
                    + " GROUP BY device, module, op, result");
            s.executeUpdate("INSERT INTO sectors SELECT device, sector, count(*), min(time_ms), max(time_ms) FROM events GROUP BY device, sector");
            c.commit();
        }
        System.out.printf("bulk events=%d seconds=%.1f db_bytes=%d%n", n, (System.nanoTime() - t0) / 1e9, Files.size(db));
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("bulk")) {
            bulk(Path.of(args[1]), Long.parseLong(args[2]));
            return;
        }
        Path db = Path.of(args[0]);
        long n = Long.parseLong(args[1]);
        int devices = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int sectors = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        HistorySink sink = HistorySink.builder(HistoryStore.openForWriting(db)).build();
        long t0 = System.nanoTime();
        long burstStart = t0;
        for (long i = 0; i < n; i++) {
            DeviceNumber dev = new DeviceNumber(254, (int) (i % devices));
            long time = 1_795_838_689_000L + i;
            DmEvent dm = new DmEvent(i + 1, time, List.of(new DmData("integrity", "integrity-checksum", dev, (i * 7919) % sectors, false)),
                    null, null, "dev" + (i % devices));
            sink.accept(Event.of(new AuditEvent(i + 1, time, List.of(), AuditEvent.Completion.STANDALONE), dm));
            if ((i + 1) % BURST == 0) {
                sink.endOfBurst();
                long now = System.nanoTime();
                System.out.printf("burst %d: %.0f events/s%n", (i + 1) / BURST, BURST / ((now - burstStart) / 1e9));
                burstStart = now;
            }
        }
        sink.close();
        double s = (System.nanoTime() - t0) / 1e9;
        long bytes = Files.size(db);
        System.out.printf("events=%d seconds=%.2f events_per_s=%.0f db_bytes=%d bytes_per_million=%.0f stored=%d failed=%d%n",
                n, s, n / s, bytes, bytes * 1e6 / n, sink.historyCounters().delivered(), sink.historyCounters().failed());
    }
}
