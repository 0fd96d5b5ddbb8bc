package dev.dmaudit.cli;

import static dev.dmaudit.cli.DmCommandTest.parse;
import static dev.dmaudit.dm.Fixtures.ok;
import static dev.dmaudit.dm.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.dmaudit.dm.CommandResult;
import dev.dmaudit.dm.CommandRunner;
import dev.dmaudit.dm.IntegrityMode;
import dev.dmaudit.dm.ToolMissingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dmaudit integrity ...} through the real command line, with a mocked runner. */
class IntegrityCommandTest {
    private final CommandRunner runner = mock(CommandRunner.class);
    @TempDir
    Path dir;
    private String dev;

    @BeforeEach
    void useMockedTools() throws Exception {
        DmTooling.runners = () -> runner;
        DmTooling.blockDevices = p -> true;
        dev = Files.createFile(dir.resolve("loop0")).toString();
    }

    @AfterEach
    void reset() {
        DmTooling.reset();
    }

    @Test
    void statusText() throws Exception {
        when(runner.run(eq(List.of("integritysetup", "status", "int2")), any()))
                .thenReturn(ok(read("two-integrity/C-integritysetup-status-int2-after-read.txt")));
        CliRun r = CliRun.of("integrity", "status", "int2");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("path: /dev/mapper/int2\n", "integrity: crc32c\n", "failures: 2\n",
                "journal_size_bytes: 180224\n", "loop: /tmp/dmtest/c2.img\n");
    }

    @Test
    void statusJson() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(read("steps-log/integritysetup-status-no-journal-failures.txt")));
        CliRun r = CliRun.of("integrity", "status", "integritytest", "--format", "json");
        assertThat(r.out().lines()).hasSize(1);
        Map<String, Object> m = parse(r.out().strip());
        assertThat(m).containsEntry("failures", 2L).containsEntry("journal_active", false)
                .containsEntry("tag_size", 32L).containsEntry("integrity", "sha256")
                .containsEntry("journal_size_bytes", null);
    }

    @Test
    void dumpJson() throws Exception {
        when(runner.run(eq(List.of("integritysetup", "dump", dev)), any()))
                .thenReturn(ok(read("two-integrity/C-integritysetup-dump-loop1.txt")));
        Map<String, Object> m = parse(CliRun.of("integrity", "dump", dev, "--format", "json").out().strip());
        assertThat(m).containsEntry("superblock_version", 5L).containsEntry("tag_size", 32L)
                .containsEntry("flags", List.of("fix_padding", "fix_hmac")).containsEntry("journal_sections", "5");
    }

    @Test
    void formatRefusesWithoutYes() {
        CliRun r = CliRun.of("integrity", "format", dev);
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("destroys all data").contains("--yes");
        verifyNoInteractions(runner);
    }

    @Test
    void formatWithYesRunsBatchModeWithLongTimeout() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(""));
        CliRun r = CliRun.of("integrity", "format", "--yes", "-I", "sha256", "-t", "32", "--mode", "bitmap", dev);
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("result: formatted\ntarget: " + dev + "\n");
        verify(runner).run(List.of("integritysetup", "format", "--batch-mode", "--integrity", "sha256",
                "--integrity-bitmap-mode", "--tag-size", "32", dev), Duration.ofHours(6));
    }

    @Test
    void formatRefusesTheOpenOnlyRecoveryModeAsAUsageError() throws Exception {
        CliRun r = CliRun.of("integrity", "format", "--yes", "--mode", "recovery", dev);
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("dmaudit: integrity format: --mode recovery is for open only; "
                + "format takes journal, bitmap or direct\n");
        verifyNoInteractions(runner);
        assertThat(IntegrityMode.RECOVERY.formattable()).isFalse();
    }

    @Test
    void openAndCloseJson() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(""));
        CliRun open = CliRun.of("integrity", "open", dev, "itest", "--integrity", "sha256", "--mode", "direct",
                "--format", "json");
        assertThat(parse(open.out().strip())).containsEntry("result", "opened").containsEntry("target", "itest");
        verify(runner).run(List.of("integritysetup", "open", "--integrity", "sha256", "--integrity-no-journal",
                dev, "itest"), Duration.ofSeconds(30));
        assertThat(CliRun.of("integrity", "close", "itest").code()).isZero();
        verify(runner).run(List.of("integritysetup", "close", "itest"), Duration.ofSeconds(30));
    }

    @Test
    void errorsMapToExitCodes() throws Exception {
        assertThat(CliRun.of("integrity", "close", "-x").code()).isEqualTo(ExitCodes.USAGE); // picocli: unknown option
        assertThat(CliRun.of("integrity", "close", "--", "-x").code()).isEqualTo(ExitCodes.BAD_NAME);
        assertThat(CliRun.of("integrity", "dump", dir.resolve("missing").toString()).code()).isEqualTo(ExitCodes.BAD_NAME);
        DmTooling.blockDevices = p -> false;
        CliRun notBlock = CliRun.of("integrity", "dump", dev);
        assertThat(notBlock.code()).isEqualTo(ExitCodes.BAD_NAME);
        assertThat(notBlock.err()).contains("is not a block device");
        verifyNoInteractions(runner);

        when(runner.run(eq(List.of("integritysetup", "status", "int1")), any()))
                .thenReturn(CommandResult.of(List.of(), 1, "", read("local/integritysetup-status-no-dm.stderr")));
        CliRun failed = CliRun.of("integrity", "status", "int1");
        assertThat(failed.code()).isEqualTo(ExitCodes.TOOL_FAILED);
        assertThat(failed.err()).isEqualTo("dmaudit: integritysetup status failed (exit 1): Cannot initialize"
                + " device-mapper. Is dm_mod kernel module loaded?\n");

        when(runner.run(eq(List.of("integritysetup", "close", "int1")), any()))
                .thenThrow(new ToolMissingException("integritysetup", "cryptsetup-bin"));
        CliRun missing = CliRun.of("integrity", "close", "int1");
        assertThat(missing.code()).isEqualTo(ExitCodes.TOOL_MISSING);
        assertThat(missing.err()).contains("install the Debian package cryptsetup-bin");
    }
}
