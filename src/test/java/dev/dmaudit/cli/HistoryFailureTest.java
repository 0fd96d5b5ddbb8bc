package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.os.NativeDir;
import dev.dmaudit.os.TrustedPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history that cannot be written — damaged, locked, read-only, on a full disk — is one warning
 * line; listen still delivers every event to its output, exits 0, and counts what the history
 * lost ({@code sink.history.failed}). The read-only and full file systems are real tmpfs mounts
 * (root only: the tests say why they skip).
 */
class HistoryFailureTest {
    private static final Pattern HISTORY = Pattern.compile("sink\\.history\\.delivered=(\\d+) sink\\.history\\.dropped=0 sink\\.history\\.failed=(\\d+)");
    private ListenCommand.ListenerFactory saved;
    private ByteArrayOutputStream logged;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        saved = ListenCommand.factory;
        logged = new ByteArrayOutputStream();
        OneLineLogging.install(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        ListenCommand.factory = saved;
        OneLineLogging.install(System.err);
    }

    /** Runs listen on n events; asserts the output got all of them and exit 0; returns {stored, failed}. */
    private long[] listenAll(Path db, int n) throws IOException {
        List<SyntheticDm.Dm> events = HistoryCommandsTest.burst(1, n);
        ListenCommand.factory = b -> b.source(new SyntheticDm(events)).resolveDeviceNames(false).build();
        Path out = dir.resolve("out-" + System.nanoTime() + ".jsonl");
        CliRun r = CliRun.run("listen", "--format", "json", "--output", out.toString(), "--count", String.valueOf(n),
                "--history", db.toString(), "--stats");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out)).as("the output gets every event whatever the history does").hasSize(n);
        Matcher m = HISTORY.matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        long stored = Long.parseLong(m.group(1));
        long failed = Long.parseLong(m.group(2));
        assertThat(stored + failed).as("every event stored or counted as failed").isEqualTo(n);
        return new long[] {stored, failed};
    }

    private String warnings() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDamagedDatabaseIsOneLineAndEveryEventCounted() throws IOException {
        Path db = dir.resolve("h/history.db");
        Files.createDirectories(db.getParent());
        Files.write(db, "this is not a database, it is a text file that happens to be long enough ".repeat(100).getBytes(StandardCharsets.UTF_8));
        long[] r = listenAll(db, 50);
        assertThat(r).containsExactly(0, 50);
        assertThat(warnings().lines().filter(l -> l.contains("history")).toList()).hasSize(1).first().asString()
                .startsWith("dmaudit: warning: history " + db + ": cannot open for writing: not a dmaudit history or damaged");
        CliRun report = CliRun.run("report", "--history", db.toString());
        assertThat(report.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(report.err()).hasLineCount(1).contains("not a dmaudit history or damaged");
        assertThat(CliRun.run("check", "--history", db.toString()).exitCode()).isEqualTo(3);
    }

    @Test
    void aDatabaseLockedByAnotherWriterIsOneLineAndEveryEventCounted() throws Exception {
        Path db = dir.resolve("h/history.db");
        listenAll(db, 3); // creates it
        NativeDir.prepareSqlite();
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = other.createStatement()) {
            s.execute("BEGIN EXCLUSIVE"); // another writer holds the write lock throughout
            long[] r = listenAll(db, 40);
            assertThat(r).containsExactly(0, 40);
            s.execute("ROLLBACK");
        }
        assertThat(warnings().lines().filter(l -> l.contains("history")).toList()).hasSize(1).first().asString()
                .contains("locked by another process");
        // Once the lock is gone the history works again, with what was stored before.
        assertThat(listenAll(db, 5)).containsExactly(5, 0);
        assertThat(HistoryCommandsTest.perDevice(CliRun.run("report", "--history", db.toString(), "--format", "json").out())
                .values().stream().mapToLong(v -> v[0]).sum()).isEqualTo(8);
    }

    @Test
    void aReadOnlyFileSystemIsOneLineAndEveryEventCounted() throws Exception {
        Path mnt = tmpfs("1m");
        try {
            Path db = mnt.resolve("h/history.db");
            listenAll(db, 3);
            run("mount", "-o", "remount,ro", mnt.toString());
            long[] r = listenAll(db, 30);
            assertThat(r).containsExactly(0, 30);
            assertThat(warnings().lines().filter(l -> l.contains("history")).toList()).hasSize(1).first().asString()
                    .contains("history " + db);
            // Readers still read it.
            CliRun c = CliRun.run("check", "--history", db.toString());
            assertThat(c.out()).startsWith("DMAUDIT CRITICAL - 3 unacknowledged");
        } finally {
            run("umount", mnt.toString());
        }
    }

    @Test
    void aFullDiskIsOneLineAndTheEventsNotStoredAreCounted() throws Exception {
        Path mnt = tmpfs("2m");
        try {
            Path db = mnt.resolve("h/history.db");
            long[] r = listenAll(db, 20_000); // ~3 MB of rows: the disk fills part way
            assertThat(r[0]).as("some stored before the disk filled").isPositive();
            assertThat(r[1]).as("the rest counted as failed").isPositive();
            assertThat(warnings().lines().filter(l -> l.contains("history")).toList()).hasSize(1).first().asString()
                    .contains("the disk is full");
            // What was committed before is intact and readable.
            CliRun rep = CliRun.run("report", "--history", db.toString(), "--format", "json");
            assertThat(rep.exitCode()).as(rep.err()).isZero();
            assertThat(HistoryCommandsTest.perDevice(rep.out()).values().stream().mapToLong(v -> v[0]).sum()).isEqualTo(r[0]);
        } finally {
            run("umount", mnt.toString());
        }
    }

    private Path tmpfs(String size) throws Exception {
        assumeTrue(TrustedPath.effectiveUid() == 0, "mounting a small tmpfs needs root (CI runs as root)");
        Path mnt = dir.resolve("mnt");
        Files.createDirectories(mnt);
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "dmaudit-history-test", mnt.toString());
        return mnt;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }
}
