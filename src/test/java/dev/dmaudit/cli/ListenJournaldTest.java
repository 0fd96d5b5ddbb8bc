package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.testing.RealJournald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** listen --journald over the replayed kernel capture, into a real journald. */
@org.junit.jupiter.api.extension.ExtendWith(ReplayedCapture.class)
@Timeout(120)
class ListenJournaldTest {
    @TempDir
    Path dir;

    @Test
    void everyPrintedEventIsOneJournalEntryWithTheSameLine() throws Exception {
        try (RealJournald journald = RealJournald.start(dir)) {
            Path out = dir.resolve("events.txt");
            CliRun r = CliRun.run("listen", "--timeout", "2s", "--stats", "--output", out.toString(),
                    "--journald", "--journald-socket", journald.socket().toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<String> printed = Files.readAllLines(out);
            assertThat(printed).isNotEmpty();
            List<Map<String, String>> entries = journald.entries(printed.size(), "SYSLOG_IDENTIFIER=dmaudit");
            assertThat(entries.stream().map(e -> e.get("MESSAGE")).toList()).isEqualTo(printed);
            assertThat(r.err()).contains("sink.journald.delivered=" + printed.size() + " sink.journald.dropped=0 sink.journald.failed=0");
        }
    }

    @Test
    void anUnreachableJournalIsOneLineAndExitEleven() throws Exception {
        CliRun r = CliRun.run("listen", "--timeout", "1s", "--journald", "--journald-socket", dir.resolve("no-journal").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OUTPUT_ERROR);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("dmaudit: --journald: cannot reach the journal: connect (journal socket ")
                .contains("ENOENT");
        Path notListening = dir.resolve("stale-socket"); // a socket file nobody listens on (a stopped journald's)
        try (java.nio.channels.ServerSocketChannel c = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            c.bind(java.net.UnixDomainSocketAddress.of(notListening)); // the file outlives the closed socket
        }
        r = CliRun.run("listen", "--timeout", "1s", "--journald", "--journald-socket", notListening.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OUTPUT_ERROR);
        assertThat(r.err()).contains("ECONNREFUSED").doesNotContain("namespace");
    }

    @Test
    void theDiskSpoolIsAPrivateDirectoryGivenWithJournald() throws Exception {
        Path spool = dir.resolve("journald-spool");
        CliRun r = CliRun.run("listen", "--timeout", "1s", "--journald-spool-dir", spool.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--journald-spool-dir needs --journald");
        r = CliRun.run("listen", "--timeout", "1s", "--journald", "--journald-spool-dir", "relative/spool");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--journald-spool-dir relative/spool: give an absolute path");
        r = CliRun.run("listen", "--timeout", "1s", "--journald", "--journald-spool-dir", spool.toString(), "--journald-spool-max", "lots");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--journald-spool-max: 'lots' is not a size");
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        r = CliRun.run("listen", "--timeout", "1s", "--journald", "--journald-spool-dir", shared.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OUTPUT_ERROR);
        assertThat(r.err()).contains("cannot use --journald-spool-dir " + shared).contains("writable by group or others");

        try (RealJournald journald = RealJournald.start(dir)) {
            Path out = dir.resolve("events.txt");
            r = CliRun.run("listen", "--timeout", "2s", "--stats", "--output", out.toString(), "--journald",
                    "--journald-socket", journald.socket().toString(), "--journald-spool-dir", spool.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<String> printed = Files.readAllLines(out);
            assertThat(journald.entries(printed.size(), "SYSLOG_IDENTIFIER=dmaudit").stream().map(e -> e.get("MESSAGE")).toList())
                    .isEqualTo(printed);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(spool))).isEqualTo("rwx------");
        }
    }
}
