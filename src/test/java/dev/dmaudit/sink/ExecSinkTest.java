package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hooks run as real processes (sh scripts written here), fed by the sink as the listener would. */
@Timeout(60)
class ExecSinkTest {
    @TempDir
    Path dir;

    static Event event(long serial, String dev, String op, int res) {
        return event(serial, dev, op, res, "");
    }

    static Event event(long serial, String dev, String op, int res, String extra) {
        // through the pipeline, as decode and listen type them
        CollectingSink got = new CollectingSink();
        var pipeline = got.allInto(16, 300);
        try {
            pipeline.acceptLogLine(("type=DM_EVENT msg=audit(1795838689.008:" + serial + "): module=integrity op=" + op
                    + " dev=" + dev + " sector=" + (serial * 8) + " res=" + res + extra).getBytes(StandardCharsets.US_ASCII));
        } catch (dev.dmaudit.record.MalformedRecordException e) {
            throw new AssertionError(e);
        }
        pipeline.flush();
        Event e = got.events.get(0);
        return e.withDm(e.dm().withDeviceName("vol'; rm -rf / #"));
    }

    static Event eventWithDevice(long serial, String dev, int res) {
        return event(serial, dev, "integrity-checksum", res);
    }

    /** A script: one file per run in out/ holding its env (DMAUDIT_ only) then its stdin; then {@code tail}. */
    private Path script(String name, String tail) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out-" + name));
        Path s = dir.resolve(name + ".sh");
        Files.writeString(s, "#!/bin/sh\n"
                + "f='" + out + "'/run.$$\n"
                + "env | grep '^DMAUDIT_' | sort > \"$f.tmp\"\n"
                + "echo --- >> \"$f.tmp\"\n"
                + "cat >> \"$f.tmp\"\n"
                + "mv \"$f.tmp\" \"$f\"\n"
                + tail + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    private static ExecSink.Settings settings(Path program, EventFilter filter, Duration timeout, int running, int rate) {
        return new ExecSink.Settings(List.of(program), filter, timeout, running, rate, 64);
    }

    private static List<String> runs(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> !p.toString().endsWith(".tmp")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    @Test
    void eachMatchingEventRunsTheProgramOnceWithItsEnvAndJson() throws Exception {
        Path prog = script("rec", "exit 0");
        EventFilter onlyChecksums = new EventFilter(false, Set.of(), Set.of("integrity-checksum"), null, Set.of());
        ExecSink sink = new ExecSink(settings(prog, onlyChecksums, Duration.ofSeconds(30), 4, 100));
        Event a = event(11, "254:0", "integrity-checksum", 0);
        Event b = event(12, "254:1", "integrity-checksum", 1);
        sink.accept(a);
        sink.accept(event(13, "254:0", "integrity-other", 0)); // filtered out
        sink.accept(b);
        sink.close();
        List<String> runs = runs(dir.resolve("out-rec"));
        assertThat(runs).hasSize(2);
        assertThat(sink.started()).isEqualTo(2);
        assertThat(sink.failed()).isZero();
        Map<Long, String> bySerial = new HashMap<>();
        runs.forEach(r -> bySerial.put(Long.parseLong(r.replaceAll("(?s).*DMAUDIT_SERIAL=(\\d+).*", "$1")), r));
        assertThat(bySerial).containsOnlyKeys(11L, 12L);
        assertThat(bySerial.get(11L)).isEqualTo("DMAUDIT_DEVICE=254:0\n"
                + "DMAUDIT_DEVICE_NAME=vol'; rm -rf / #\n"
                + "DMAUDIT_KIND=dm_data\n"
                + "DMAUDIT_MODULE=integrity\n"
                + "DMAUDIT_OP=integrity-checksum\n"
                + "DMAUDIT_RESULT=failed\n"
                + "DMAUDIT_SECTOR=88\n"
                + "DMAUDIT_SERIAL=11\n"
                + "DMAUDIT_TIME=2026-11-28T04:04:49.008Z\n"
                + "---\n"
                + new String(ExecSink.json(a), StandardCharsets.UTF_8));
        assertThat(bySerial.get(12L)).contains("DMAUDIT_RESULT=ok\n", "DMAUDIT_DEVICE=254:1\n")
                .endsWith("---\n" + new String(ExecSink.json(b), StandardCharsets.UTF_8));
        // the stdin is exactly what --format json prints for the event
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        WriterSink w = WriterSink.of(OutputFormat.JSON, printed);
        w.accept(a);
        w.endOfBurst();
        assertThat(ExecSink.json(a)).isEqualTo(printed.toByteArray());
    }

    @Test
    void aFailingProgramIsCounted() throws Exception {
        ExecSink sink = new ExecSink(settings(script("fail", "echo 'no mail today' >&2; exit 3"), null, Duration.ofSeconds(30), 2, 100));
        sink.accept(event(1, "254:0", "integrity-checksum", 0));
        sink.accept(event(2, "254:0", "integrity-checksum", 0));
        sink.close();
        assertThat(sink.started()).isEqualTo(2);
        assertThat(sink.failed()).isEqualTo(2);
        assertThat(sink.timedOut()).isZero();
        assertThat(sink.counters()).isEqualTo(new dev.dmaudit.event.SinkCounters("exec", 0, 0, 2));
    }

    @Test
    void aProgramPastTheTimeoutIsKilledAndCounted() throws Exception {
        Path pids = dir.resolve("pids");
        // the sleep is a child: it must die too, not only the shell
        ExecSink sink = new ExecSink(settings(script("slow", "sleep 30 & echo $! > '" + pids + "'; wait"),
                null, Duration.ofMillis(500), 1, 100));
        long t0 = System.nanoTime();
        sink.accept(event(1, "254:0", "integrity-checksum", 0));
        sink.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20)); // generous: not 30 s
        assertThat(sink.timedOut()).isEqualTo(1);
        assertThat(sink.failed()).isZero();
        long sleeper = Long.parseLong(Files.readString(pids).strip());
        // SIGKILL is sent at once; the reaping by init takes a moment
        ProcessHandle.of(sleeper).ifPresent(h -> h.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    /** More JSON than a pipe holds, to a program that never reads it: the timeout still holds. */
    @Test
    void aProgramThatDoesNotReadAHugeEventIsStillTimedOut() throws Exception {
        Event huge = event(1, "254:0", "integrity-checksum", 0, " padding=" + "A".repeat(300_000));
        assertThat(ExecSink.json(huge).length).isGreaterThan(200_000);
        Path deaf = dir.resolve("deaf.sh");
        Files.writeString(deaf, "#!/bin/sh\nexec sleep 30\n"); // keeps stdin open and never reads it
        Files.setPosixFilePermissions(deaf, PosixFilePermissions.fromString("rwx------"));
        ExecSink sink = new ExecSink(settings(deaf, null, Duration.ofMillis(500), 1, 100));
        sink.accept(huge);
        sink.close();
        assertThat(sink.timedOut()).isEqualTo(1);
    }

    @Test
    void aBurstBeyondThePerDeviceRateIsDroppedExactly() throws Exception {
        ExecSink sink = new ExecSink(settings(script("rate", "exit 0"), null, Duration.ofSeconds(30), 4, 3));
        for (int i = 1; i <= 10; i++) {
            sink.accept(event(i, "254:0", "integrity-checksum", 0));
        }
        for (int i = 11; i <= 12; i++) {
            sink.accept(event(i, "254:7", "integrity-checksum", 0)); // another device has its own budget
        }
        sink.close();
        assertThat(sink.droppedByRate()).isEqualTo(7);
        assertThat(sink.started()).isEqualTo(5);
        assertThat(runs(dir.resolve("out-rate"))).hasSize(5);
    }

    @Test
    void theRateWindowReopensAfterAMinute() throws Exception {
        long[] now = {0};
        ExecSink sink = new ExecSink(settings(script("win", "exit 0"), null, Duration.ofSeconds(30), 1, 1), () -> now[0]);
        sink.accept(event(1, "254:0", "integrity-checksum", 0));
        sink.accept(event(2, "254:0", "integrity-checksum", 0));
        now[0] = Duration.ofSeconds(61).toNanos();
        sink.accept(event(3, "254:0", "integrity-checksum", 0));
        sink.close();
        assertThat(sink.droppedByRate()).isEqualTo(1);
        assertThat(sink.started()).isEqualTo(2);
    }

    @Test
    void concurrencyNeverExceedsTheBound() throws Exception {
        Path log = dir.resolve("log");
        // mkdir is atomic: each run takes a free slot directory 0..9; the highest slot ever taken bounds the runs at once
        Path slots = Files.createDirectories(dir.resolve("slots"));
        ExecSink sink = new ExecSink(settings(script("conc",
                "i=0; while ! mkdir '" + slots + "'/$i 2>/dev/null; do i=$((i+1)); done\n"
                        + "echo $i >> '" + log + "'; sleep 0.3; rmdir '" + slots + "'/$i"),
                null, Duration.ofSeconds(30), 2, 100));
        for (int i = 1; i <= 8; i++) {
            sink.accept(event(i, "254:0", "integrity-checksum", 0));
        }
        sink.close();
        assertThat(sink.started()).isEqualTo(8);
        List<String> taken = Files.readAllLines(log);
        assertThat(taken).hasSize(8).allMatch(s -> s.equals("0") || s.equals("1"));
        assertThat(taken).contains("1"); // the bound was reached, so the check above could fail
    }

    @Test
    void aSlowHookDoesNotHoldTheDeliveringThread() throws Exception {
        ExecSink sink = new ExecSink(settings(script("sleepy", "sleep 5"), null, Duration.ofSeconds(6), 1, 100));
        long t0 = System.nanoTime();
        for (int i = 1; i <= 5; i++) {
            sink.accept(event(i, "254:0", "integrity-checksum", 0));
        }
        // generous: five 5-second runs took 25 s were they on this thread
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(sink.started()).isLessThanOrEqualTo(1);
        sink.close(); // waits a bounded time, then kills what runs and counts what never started
        assertThat(sink.started() + sink.droppedByQueue()).isEqualTo(5);
    }
}
