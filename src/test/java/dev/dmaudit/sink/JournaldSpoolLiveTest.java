package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.JournalSocket;
import dev.dmaudit.testing.RealJournald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journald output's disk overflow ({@link QueuedSink} with a {@link DiskSpool}) against a real
 * systemd-journald frozen with SIGSTOP while events arrive: a journal that cannot keep up. Every
 * entry is read back with journalctl and identified by its DMAUDIT_SERIAL.
 */
@Timeout(180)
class JournaldSpoolLiveTest {
    /** Events queued in memory: small, so that most of a burst goes to disk. */
    private static final int MEMORY = 100;

    @TempDir
    Path dir;

    private static QueuedSink sink(RealJournald journald, Path spool, long maxBytes, Duration grace) throws Exception {
        JournaldSink journal = new JournaldSink(new JournalSocket(DirectLibC.get(), journald.socket()));
        return new QueuedSink("journald", journal, MEMORY, grace, new DiskSpool<>("journald", spool, maxBytes, DiskSpool.BYTES));
    }

    /** Events with serials from..to-1, an end of burst every 256 as the delivery thread gives them. */
    private static void send(QueuedSink sink, long from, long to) throws Exception {
        for (long i = from; i < to; i++) {
            sink.accept(ExecSinkTest.event(i, "254:0", "integrity-checksum", 0));
            if ((i & 255) == 255) {
                sink.endOfBurst();
            }
        }
        sink.endOfBurst();
    }

    private static List<Long> serials(RealJournald journald, int atLeast) throws Exception {
        List<Map<String, String>> entries = journald.entries(atLeast, "SYSLOG_IDENTIFIER=dmaudit");
        return entries.stream().map(e -> Long.parseLong(e.get("DMAUDIT_SERIAL"))).toList();
    }

    private static List<Path> spoolFiles(Path spool) throws Exception {
        try (Stream<Path> s = Files.list(spool)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".spool")).toList();
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void aStoppedJournaldGetsEveryEventLateOnceAndInOrder() throws Exception {
        int n = 5000;
        Path spool = dir.resolve("journald-spool");
        try (RealJournald journald = RealJournald.start(dir)) {
            QueuedSink sink = sink(journald, spool, 64 << 20, Duration.ofSeconds(120));
            journald.pause();
            send(sink, 0, n);
            // journald's socket queue takes a few datagrams (net.unix.max_dgram_qlen, 10 by default; 512 here at most), memory
            // up to 100 (the worker may still be taking from it): the rest is on disk.
            assertThat(sink.spooled()).isGreaterThan(n - MEMORY - 512L);
            assertThat(sink.queued() + sink.spooled()).isGreaterThan(n - 512L);
            assertThat(sink.counters().dropped()).isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spool))).isEqualTo("rwx------");
            List<Path> files = spoolFiles(spool);
            assertThat(files).isNotEmpty();
            for (Path f : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------");
            }

            journald.resume();
            sink.close();
            assertThat(sink.counters()).isEqualTo(new SinkCounters("journald", n, 0, 0));
            assertThat(serials(journald, n)).as(journald.output()).isEqualTo(range(0, n));
            assertThat(spoolFiles(spool)).isEmpty();
        }
    }

    @Test
    void beyondTheDiskCapEventsAreDroppedAndCountedExactly() throws Exception {
        int n = 3000;
        Path spool = dir.resolve("journald-spool");
        try (RealJournald journald = RealJournald.start(dir)) {
            QueuedSink sink = sink(journald, spool, 40_000, Duration.ofSeconds(120));
            journald.pause();
            send(sink, 0, n);
            long dropped = sink.counters().dropped();
            assertThat(dropped).isPositive();

            journald.resume();
            sink.close();
            SinkCounters c = sink.counters();
            assertThat(c.dropped()).isEqualTo(dropped);
            assertThat(c.delivered() + c.dropped()).isEqualTo(n);
            List<Long> got = serials(journald, (int) (n - dropped));
            assertThat(got).as("every delivered event once, in order").hasSize((int) (n - dropped)).isSorted().doesNotHaveDuplicates();
            assertThat(got).allMatch(s -> s >= 0 && s < n);
        }
    }

    @Test
    void whatTheGracePeriodLeftIsSentFirstByTheNextRun() throws Exception {
        int n = 2000;
        int more = 50;
        Path spool = dir.resolve("journald-spool");
        long kept;
        try (RealJournald first = RealJournald.start(dir)) {
            QueuedSink sink = sink(first, spool, 64 << 20, Duration.ofSeconds(1));
            first.pause();
            send(sink, 0, n);
            sink.close(); // journald still frozen: the grace period ends with events undelivered
            assertThat(sink.counters().dropped()).isZero();
            first.kill(); // and what it had not read dies with it
            kept = new DiskSpool<>("journald", spool, 64 << 20, DiskSpool.BYTES).records();
            // all but what went into the frozen journald's socket queue (the entry in the middle of its send is kept too)
            assertThat(kept).isGreaterThan(n - 512L).isLessThanOrEqualTo(n);
        }
        try (RealJournald second = RealJournald.start(dir)) {
            QueuedSink sink = sink(second, spool, 64 << 20, Duration.ofSeconds(120));
            send(sink, n, n + more);
            sink.close();
            assertThat(sink.counters()).isEqualTo(new SinkCounters("journald", kept + more, 0, 0));
            List<Long> want = LongStream.range(n - kept, n + more).boxed().toList();
            assertThat(serials(second, want.size())).as(second.output()).isEqualTo(want);
            assertThat(spoolFiles(spool)).isEmpty();
        }
    }
}
