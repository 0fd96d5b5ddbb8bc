package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --interpret} on {@code decode} and {@code listen}, over the real 6.1 kernel capture. Names
 * are this machine's: uid 0 is root on every Debian system; the errno and syscall names are the ones
 * the real auparse gives for these numbers (AuparseInterpretTest compares them field by field).
 */
class InterpretOptionTest {
    private static final String CAPTURE = DecodeCommandTest.CAPTURE;

    @Test
    void textShowsNamesAndErrnoLikeAusearch() {
        CliRun plain = CliRun.run("decode", CAPTURE);
        CliRun r = CliRun.run("decode", "--interpret", CAPTURE);
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSameSizeAs(plain.out().lines().toList());
        assertThat(plain.out()).contains("by dmsetup[293] exe=/usr/sbin/dmsetup uid=0 syscall_exit=-22 serial=18");
        assertThat(r.out()).contains("by dmsetup[293] exe=/usr/sbin/dmsetup uid=root syscall_exit=EINVAL(Invalid argument) serial=18");
    }

    @Test
    void jsonKeepsRawFieldsAndAddsInterpretedPairs() {
        CliRun plain = CliRun.run("decode", "--format", "json", CAPTURE);
        CliRun r = CliRun.run("decode", "--format", "json", "--interpret", CAPTURE);
        assertThat(r.exitCode()).isZero();
        assertThat(plain.out()).doesNotContain("\"interpreted\"");
        String ev = r.out().lines().filter(l -> l.contains("\"serial\":18,")).findFirst().orElseThrow();
        // raw values stay as they were ...
        assertThat(ev).contains("[\"arch\",\"c000003e\"],[\"syscall\",\"16\"]", "[\"res\",\"0\"]", "[\"auid\",\"4294967295\"]");
        // ... and each record's interpreted pairs follow its fields, in the same order
        assertThat(ev).contains("\"interpreted\":[[\"module\",\"integrity\"],[\"op\",\"ctr\"]",
                "[\"arch\",\"x86_64\"],[\"syscall\",\"ioctl\"],[\"success\",\"no\"],[\"exit\",\"EINVAL(Invalid argument)\"]",
                "[\"auid\",\"unset\"],[\"uid\",\"root\"],[\"gid\",\"root\"]", "[\"ses\",\"unset\"]", "[\"res\",\"no\"]");
        String data = r.out().lines().filter(l -> l.contains("\"kind\":\"dm_data\"")).findFirst().orElseThrow();
        assertThat(data).contains("\"fields\":[[\"module\",\"integrity\"],[\"op\",\"integrity-checksum\"],[\"dev\",\"254:0\"],"
                + "[\"sector\",\"20000\"],[\"res\",\"0\"]],\"interpreted\":[[\"module\",\"integrity\"],[\"op\",\"integrity-checksum\"],"
                + "[\"dev\",\"254:0\"],[\"sector\",\"20000\"],[\"res\",\"no\"]]");
    }

    @Test
    void otherEventsPrintEveryFieldInterpreted() {
        CliRun r = CliRun.run("decode", "--all", "--type", "SYSCALL", "--interpret", CAPTURE);
        assertThat(r.exitCode()).isZero();
        // serial 7: a python3 setsockopt with no DM record
        assertThat(r.out()).contains("serial=7 | SYSCALL arch=x86_64 syscall=setsockopt success=yes exit=0 a0=5",
                "auid=unset uid=root gid=root", "ses=unset comm=python3 exe=/usr/bin/python3");
    }

    @Test
    void rawOutputIsNeverInterpreted() {
        CliRun r = CliRun.run("decode", "--format", "raw", "--interpret", CAPTURE);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--interpret applies to --format text and json");
    }

    @Test
    void listenTakesItToo(@TempDir Path dir) throws Exception {
        ListenCommand.ListenerFactory saved = ListenCommand.factory;
        ListenCommand.factory = b -> b.source(new ListenCommandTest.Replay("multicast")).resolveDeviceNames(false).build();
        try {
            Path out = dir.resolve("events.jsonl");
            CliRun r = CliRun.run("listen", "--format", "json", "--interpret", "--timeout", "2s", "--output", out.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(Files.readString(out)).contains("[\"res\",\"no\"]", "[\"syscall\",\"ioctl\"]");
        } finally {
            ListenCommand.factory = saved;
        }
    }
}
