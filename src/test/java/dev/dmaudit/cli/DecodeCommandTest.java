package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {
    static final String CAPTURE = "src/test/resources/kernel-6.1-dm-integrity/multicast/records.txt";
    static final String THREAD = "src/test/resources/testdata/lkml__dm-audit-v4-cover.log";

    @Test
    void textIsOneLinePerDmEvent() {
        CliRun r = CliRun.run("decode", CAPTURE);
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(11);
        assertThat(lines).filteredOn(l -> l.contains("integrity/integrity-checksum sector=20000 FAILED")).hasSize(2);
        assertThat(lines).anyMatch(l -> l.contains("integrity/ctr FAILED error_msg='The device is not initialized', integrity/dtr ok by dmsetup[293]"));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonLinesParseAndCarryTheSchema() throws IOException {
        CliRun r = CliRun.run("decode", "--format", "json", CAPTURE);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(11);
        JsonFactory f = new JsonFactory();
        for (String l : lines) {
            try (JsonParser p = f.createParser(l)) {
                while (p.nextToken() != null) {
                    // must parse to the end
                }
            }
        }
        assertThat(lines.get(7)).contains("\"kind\":\"dm_data\"", "\"sector\":20000", "\"op\":\"integrity-checksum\"");
        assertThat(lines.get(0)).contains("\"comm\":\"integritysetup\"", "\"syscall\":16");
    }

    @Test
    void filtersByModuleOpDeviceAndType() {
        assertThat(CliRun.run("decode", "--op", "integrity-checksum", CAPTURE).out().lines()).hasSize(2);
        assertThat(CliRun.run("decode", "--op", "ctr,dtr", CAPTURE).out().lines()).hasSize(9);
        assertThat(CliRun.run("decode", "--module", "crypt", CAPTURE).out().lines()).isEmpty();
        assertThat(CliRun.run("decode", "--device", "254:0", CAPTURE).out().lines()).hasSize(11);
        assertThat(CliRun.run("decode", "--device", "254:9", CAPTURE).out().lines()).isEmpty();
        assertThat(CliRun.run("decode", "--all", CAPTURE).out().lines()).hasSize(12); // + the capture tool's own setsockopt
        assertThat(CliRun.run("decode", "--all", "--type", "SYSCALL", CAPTURE).out().lines()).hasSize(10);
    }

    @Test
    void patchThreadSamplesOnlyWithTheOptIn() {
        assertThat(CliRun.run("decode", THREAD).out()).isEmpty();
        CliRun r = CliRun.run("decode", "--dm-types", "1336,1337", THREAD);
        assertThat(r.out().lines()).hasSize(17);
        assertThat(r.out().lines()).filteredOn(l -> l.contains("sector=77480")).hasSize(10);
    }

    @Test
    void malformedLinesAreReportedWithTheirNumberAndSkipped() {
        byte[] in = ("garbage\n"
                + "type=DM_EVENT msg=audit(1.000:1): module=integrity op=integrity-checksum dev=254:0 sector=5 res=0\n"
                + "type=UNKNOWN[1329] msg=?\n").getBytes(StandardCharsets.UTF_8);
        CliRun r = CliRun.run(in, "decode", "-");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        assertThat(r.err()).contains("line 1: expected type=", "line 3: ", "2 malformed lines skipped");
    }

    @Test
    void overlongLinesAreCappedNotBuffered() {
        byte[] in = ("type=SYSCALL msg=audit(1.000:1): a=" + "x".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8);
        CliRun r = CliRun.run(in, "decode", "--max-line-bytes", "1024", "-");
        assertThat(r.err()).contains("line 1: line longer than 1024 bytes");
    }

    @Test
    void unreadableInputIsOneLineAndExitCode3(@TempDir Path dir) {
        CliRun missing = CliRun.run("decode", dir.resolve("nope.log").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(missing.err().lines()).hasSize(1).first().asString().startsWith("dmaudit: cannot read");
        assertThat(CliRun.run("decode", dir.toString()).exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        for (String[] args : new String[][] {{"decode", "--format", "xml"}, {"decode", "--dm-types", "1336"},
                {"decode", "--dm-types", "a,b"}, {"decode", "--type", "NOPE"}, {"decode", "--bogus"},
                {"decode", "--group-timeout", "-1"}, {"decode", "--group-timeout", "x"}}) {
            CliRun r = CliRun.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("dmaudit: ");
        }
    }

    @Test
    void rawOutputDecodesBackToTheSameEvents(@TempDir Path dir) throws IOException {
        String raw = CliRun.run("decode", "--all", "--format", "raw", CAPTURE).out();
        Path copy = dir.resolve("copy.log");
        Files.writeString(copy, raw);
        // The capture names types by number (type=1338); raw output keeps the text as the log had it.
        assertThat(raw).contains("type=1338 msg=audit(1795838694.300:18): module=integrity op=ctr");
        assertThat(CliRun.run("decode", "--all", "--format", "json", copy.toString()).out())
                .isEqualTo(CliRun.run("decode", "--all", "--format", "json", CAPTURE).out());
    }

    @Test
    void ausearchReadsRawOutput(@TempDir Path dir) throws Exception {
        Path ausearch = Path.of("/usr/sbin/ausearch");
        assumeTrue(Files.isExecutable(ausearch), "ausearch (Debian package auditd) is not installed; .ci/run installs it");
        Path copy = dir.resolve("copy.log");
        Files.writeString(copy, CliRun.run("decode", "--format", "raw", CAPTURE).out());
        Process p = new ProcessBuilder(ausearch.toString(), "-if", copy.toString(), "-a", "18")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("error_msg='The device is not initialized'", "syscall=16");
    }

    @Test
    void hostileBytesAreVisibleInTextAndValidInJson() {
        CliRun text = CliRun.run("decode", "src/test/resources/testdata/synthetic-enriched-and-hostile.log");
        assertThat(text.out()).doesNotContain("\u001b").contains("by \\x1b[31mevil\\x1b[0m[7]");
        CliRun json = CliRun.run("decode", "--format", "json", "src/test/resources/testdata/synthetic-enriched-and-hostile.log");
        assertThat(json.out()).doesNotContain("\u001b").contains("\\u001B[31mevil");
    }
}
