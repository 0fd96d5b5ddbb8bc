package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.api.RecordSource;
import dev.dmaudit.record.Captures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** listen's own behaviour (formats, count, output file, exit codes) over the replayed kernel capture. */
@Timeout(60)
class ListenCommandTest {
    private ListenCommand.ListenerFactory saved;

    /** Hands out the capture's multicast datagrams, then idles until closed. */
    static final class Replay implements RecordSource {
        private final Deque<byte[]> pending = new ArrayDeque<>();
        /** Kernel uevents for the source's second channel. */
        final Deque<byte[]> uevents = new ArrayDeque<>();
        private volatile boolean closed;

        Replay(String mode) {
            String sock = mode.equals("multicast") ? "mcast" : "auditd";
            for (Captures.Datagram d : Captures.load(mode)) {
                if (d.sock().equals(sock)) {
                    pending.add(d.bytes());
                }
            }
        }

        @Override
        public synchronized int receive(byte[] buf, int timeoutMillis) throws IOException {
            if (closed) {
                return -1;
            }
            byte[] d = pending.poll();
            if (d == null) {
                if (timeoutMillis == 0) {
                    return 0; // only what is there already
                }
                try {
                    wait(Math.max(0, timeoutMillis)); // negative: until close() notifies (wait(0) is forever)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return closed ? -1 : 0;
            }
            System.arraycopy(d, 0, buf, 0, d.length);
            return d.length;
        }

        @Override
        public synchronized int receiveUevent(byte[] buf) {
            byte[] u = uevents.poll();
            if (u == null) {
                return closed ? -1 : 0;
            }
            System.arraycopy(u, 0, buf, 0, u.length);
            return u.length;
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }
    }

    /** The real dm-verity corruption uevent (ignore_corruption mode gives nothing else) is an event; --no-uevents drops it. */
    @Test
    void verityUeventIsPrintedWithItsOriginUnlessNoUevents(@TempDir Path dir) throws IOException {
        byte[] verity = dev.dmaudit.record.UeventParserTest.captured().get(3);
        ListenCommand.factory = b -> {
            Replay r = new Replay("multicast");
            r.uevents.add(verity);
            return b.source(r).resolveDeviceNames(false).build();
        };
        Path json = dir.resolve("on.jsonl");
        assertThat(CliRun.run("listen", "--format", "json", "--timeout", "3s", "--output", json.toString()).exitCode()).isZero();
        List<String> u = Files.readAllLines(json).stream().filter(l -> l.contains("\"origin\":\"uevent\"")).toList();
        assertThat(u).hasSize(1);
        assertThat(u.get(0)).startsWith("{\"serial\":0,").contains("\"kind\":\"dm_data\"", "\"device\":\"254:0\"",
                "\"op\":\"verify-data\"", "\"sector\":5", "[\"DM_VERITY_ERR_BLOCK_NR\",\"0,5\"]", "\"records\":[]");
        Path text = dir.resolve("on.txt");
        CliRun t = CliRun.run("listen", "--timeout", "3s", "--stats", "--output", text.toString());
        assertThat(Files.readAllLines(text)).filteredOn(l -> l.contains("origin=uevent"))
                .singleElement().asString().contains("254:0 verity/verify-data sector=5 FAILED origin=uevent seqnum=");
        assertThat(t.err()).contains("uevents=1 uevents_deduplicated=0 uevents_malformed=0 uevent_enobufs=0");
        Path off = dir.resolve("off.jsonl");
        assertThat(CliRun.run("listen", "--no-uevents", "--format", "json", "--timeout", "2s", "--output", off.toString()).exitCode()).isZero();
        assertThat(Files.readAllLines(off)).isNotEmpty().noneMatch(l -> l.contains("uevent"));
    }

    @BeforeEach
    void replay() {
        saved = ListenCommand.factory;
        ListenCommand.factory = b -> b.source(new Replay("multicast")).resolveDeviceNames(false).build();
    }

    @AfterEach
    void restore() {
        ListenCommand.factory = saved;
    }

    @Test
    void countEndsNormallyWithExactlyNEvents(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("events.jsonl");
        CliRun r = CliRun.run("listen", "--format", "json", "--count", "3", "--output", out.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(3).allMatch(l -> l.startsWith("{\"serial\":"));
        assertThat(r.err()).contains("dmaudit: listening (multicast mode), until 3 events");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
    }

    @Test
    void timeoutEndsNormallyAndFlushesEverything(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("events.txt");
        CliRun r = CliRun.run("listen", "--timeout", "2s", "--stats", "--output", out.toString());
        assertThat(r.exitCode()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(11);
        assertThat(lines).filteredOn(l -> l.contains("integrity-checksum sector=20000")).hasSize(2);
        assertThat(r.err()).contains("dmaudit: stats datagrams=70 records=70", "dropped_queue=0");
    }

    @Test
    void outputAppendsAndRefusesSymlinks(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("events.txt");
        Files.writeString(out, "earlier\n");
        assertThat(CliRun.run("listen", "--count", "1", "--output", out.toString()).exitCode()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(2).first().isEqualTo("earlier");
        Path link = dir.resolve("link.txt");
        Files.createSymbolicLink(link, dir.resolve("target.txt"));
        CliRun r = CliRun.run("listen", "--count", "1", "--output", link.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OUTPUT_ERROR);
        assertThat(r.err()).contains("symbolic link");
        assertThat(dir.resolve("target.txt")).doesNotExist();
    }

    /** The boost defaults to 10 where it prevents loss (multicast), to 0 where the kernel waits for us (daemon). */
    @Test
    void priorityBoostDefaultsByMode() {
        java.util.function.Function<String[], Integer> boost = args -> {
            ListenCommand c = new ListenCommand();
            new picocli.CommandLine(c).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
            return c.priorityBoost();
        };
        assertThat(boost.apply(new String[0])).isEqualTo(10);
        assertThat(boost.apply(new String[] {"--mode", "daemon"})).isZero();
        assertThat(boost.apply(new String[] {"--mode", "daemon", "--priority-boost", "4"})).isEqualTo(4);
        assertThat(boost.apply(new String[] {"--priority-boost", "0"})).isZero();
    }

    /** {@code listen | head -1}: the reader of stdout goes away; Unix tools then end quietly. */
    @Test
    void aClosedPipeEndsQuietly() {
        CliRun r = CliRun.run(null, new ClosedPipe(200), "listen", "--timeout", "2s");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("Exception", "Broken pipe", "\tat ");
    }

    @Test
    void aFullDiskIsOneLineAndExitEleven() {
        CliRun r = CliRun.run(null, new ClosedPipe(200, "No space left on device"), "listen", "--timeout", "2s");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OUTPUT_ERROR);
        assertThat(r.err()).contains("dmaudit: cannot write output: No space left on device").doesNotContain("\tat ");
    }

    /** Takes {@code room} bytes, then fails as write(2) does on a pipe whose reader left (or a full disk). */
    static final class ClosedPipe extends java.io.OutputStream {
        private int room;
        private final String error;

        ClosedPipe(int room) {
            this(room, "Broken pipe");
        }

        ClosedPipe(int room, String error) {
            this.room = room;
            this.error = error;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > room) {
                room = 0;
                throw new IOException(error);
            }
            room -= len;
        }
    }

    @Test
    void outputToDevNullIsNotAnOutputError() {
        // fsync(2) of /dev/null (or a FIFO) fails with EINVAL; that is no write failure.
        CliRun r = CliRun.run("listen", "--count", "2", "--output", "/dev/null");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("cannot write output");
    }

    @Test
    void coalescingPrintsTheFirstAndCountsTheRepeat(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("events.txt");
        CliRun r = CliRun.run("listen", "--timeout", "2s", "--coalesce", "10s", "--op", "integrity-checksum", "--output", out.toString());
        assertThat(r.exitCode()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2); // the first at once, then the summary of its one repeat
        assertThat(lines.get(0)).doesNotContain("repeated");
        assertThat(lines.get(1)).contains("integrity-checksum sector=20000", "(repeated 1 more times, 2026-11-28T04:04:49.012Z");
    }

    @Test
    void enrichStatusAddsTheDevicesCurrentMismatchCount(@TempDir Path dir) throws Exception {
        dev.dmaudit.dm.CommandRunner runner = org.mockito.Mockito.mock(dev.dmaudit.dm.CommandRunner.class);
        org.mockito.Mockito.when(runner.run(org.mockito.ArgumentMatchers.anyList(), org.mockito.ArgumentMatchers.any()))
                .thenAnswer(inv -> {
                    List<String> argv = inv.getArgument(0);
                    String out = argv.contains("info") ? "integritytest;254;0;L--w;0;1;0;CRYPT-INTEGRITY-integritytest\n"
                            : argv.contains("status") ? "0 60992 integrity 2 60992 -\n"
                            : "0 60992 integrity 7:0 0 32 J 2 journal_sectors:440 internal_hash:sha256\n";
                    return dev.dmaudit.dm.CommandResult.of(argv, 0, out, "");
                });
        DmTooling.runners = () -> runner;
        try {
            Path out = dir.resolve("events.jsonl");
            CliRun r = CliRun.run("listen", "--timeout", "2s", "--op", "integrity-checksum", "--enrich-status",
                    "--format", "json", "--output", out.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<String> lines = Files.readAllLines(out);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("\"device_status\":{\"name\":\"integritytest\",\"target_type\":\"integrity\","
                    + "\"backing_device\":\"7:0\",\"mismatches\":2");
            // The second event comes within the rate limit: the cached result, marked stale.
            assertThat(lines.get(1)).contains("\"mismatches\":2", "\"stale\":true");
        } finally {
            DmTooling.reset();
        }
    }

    @Test
    void badValuesAreUsageErrors() {
        for (String[] a : new String[][] {{"listen", "--count", "0"}, {"listen", "--timeout", "soon"},
                {"listen", "--mode", "unicast"}, {"listen", "--coalesce", "0s"}, {"listen", "--receive-buffer", "12"},
                {"listen", "--priority-boost", "40"}, {"listen", "--priority-boost", "-1"},
                {"listen", "--format", "yaml"}}) {
            CliRun r = CliRun.run(a);
            assertThat(r.exitCode()).as(String.join(" ", a)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines().findFirst().orElse("")).as(String.join(" ", a)).startsWith("dmaudit: ");
        }
    }

    @Test
    void helpHasExamples() {
        CliRun r = CliRun.run("listen", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Examples:", "--coalesce", "--mode");
    }
}
