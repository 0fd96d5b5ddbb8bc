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
 */
public final class HistoryBench {
    static final int BURST = 100_000;

    private HistoryBench() {
    }

    public static void main(String[] args) throws Exception {
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
