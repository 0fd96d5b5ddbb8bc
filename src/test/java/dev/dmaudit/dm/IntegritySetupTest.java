package dev.dmaudit.dm;

import static dev.dmaudit.dm.Fixtures.ok;
import static dev.dmaudit.dm.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** integritysetup parsing on recorded outputs and argument lists, with a mocked runner. */
class IntegritySetupTest {
    private static final Duration T = Duration.ofSeconds(5);
    private static final Duration FORMAT_T = Duration.ofHours(1);
    private final CommandRunner runner = mock(CommandRunner.class);
    @TempDir
    Path dir;
    private Path dev;
    private IntegritySetup is;

    @BeforeEach
    void setUp() throws Exception {
        dev = Files.createFile(dir.resolve("loop0"));
        // Temp files stand in for block devices; the real check is tested in DevicePathsTest.
        is = new IntegritySetup(runner, new DevicePaths(p -> true), T, FORMAT_T);
    }

    @Test
    void statusOfIntegrityWithJournal() throws Exception {
        when(runner.run(List.of("integritysetup", "status", "int2"), T))
                .thenReturn(ok(read("two-integrity/C-integritysetup-status-int2-after-read.txt")));
        IntegrityDeviceStatus s = is.status("int2");
        assertThat(s.path()).isEqualTo("/dev/mapper/int2");
        assertThat(s.active()).isTrue();
        assertThat(s.inUse()).isFalse();
        assertThat(s.type()).isEqualTo("INTEGRITY");
        assertThat(s.tagSize()).isEqualTo(OptionalInt.of(4));
        assertThat(s.integrity()).contains("crc32c");
        assertThat(s.device()).isEqualTo("/dev/loop1");
        assertThat(s.loop()).contains("/tmp/dmtest/c2.img");
        assertThat(s.sectorSize()).isEqualTo(OptionalInt.of(512));
        assertThat(s.sizeSectors()).isEqualTo(OptionalLong.of(64664));
        assertThat(s.mode()).isEqualTo("read/write");
        assertThat(s.failures()).isEqualTo(OptionalLong.of(2));
        assertThat(s.journal()).isEqualTo(new IntegrityJournal(true, OptionalLong.of(180224), OptionalInt.of(50),
                OptionalLong.of(10000)));
        assertThat(s.fields()).containsEntry("interleave sectors", "32768");
    }

    @Test
    void statusFromKernelCaptureWithoutJournal() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(read("steps-log/integritysetup-status-no-journal.txt")),
                ok(read("steps-log/integritysetup-status-no-journal-failures.txt")));
        IntegrityDeviceStatus before = is.status("integritytest");
        IntegrityDeviceStatus after = is.status("integritytest");
        assertThat(before.journal()).isEqualTo(IntegrityJournal.NONE);
        assertThat(before.failures()).isEqualTo(OptionalLong.of(0));
        assertThat(after.failures()).isEqualTo(OptionalLong.of(2));
        assertThat(after.integrity()).contains("sha256");
        assertThat(after.sizeSectors()).isEqualTo(OptionalLong.of(121904));
    }

    @Test
    void statusOfAeadDifDeviceInUseWithNoAlgorithm() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(read("crypt-aead/A-integritysetup-status-dif.txt")));
        IntegrityDeviceStatus s = is.status("cryptint_dif");
        assertThat(s.inUse()).isTrue();
        assertThat(s.integrity()).isEmpty();
        assertThat(s.tagSize()).isEqualTo(OptionalInt.of(32));
    }

    @Test
    void statusInBitmapMode() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(read("synthetic/integritysetup-status-bitmap.txt")));
        IntegrityDeviceStatus s = is.status("bm");
        assertThat(s.sectorSize()).isEqualTo(OptionalInt.of(4096));
        assertThat(s.failures()).isEqualTo(OptionalLong.of(5));
        assertThat(s.fields()).containsEntry("bitmap flush interval", "10000 ms");
    }

    @Test
    void inactiveDeviceIsAResultNotAnError() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(CommandResult.of(List.of("integritysetup"), 4,
                read("synthetic/integritysetup-status-inactive.txt"), ""));
        IntegrityDeviceStatus s = is.status("gone");
        assertThat(s.active()).isFalse();
        assertThat(s.failures()).isEmpty();
    }

    @Test
    void statusWithoutDeviceMapperFails() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(CommandResult.of(List.of("integritysetup"), 1, "",
                read("local/integritysetup-status-no-dm.stderr")));
        assertThatThrownBy(() -> is.status("int1")).isInstanceOf(ToolFailedException.class)
                .hasMessage("integritysetup status failed (exit 1): Cannot initialize device-mapper. Is dm_mod kernel module loaded?");
    }

    @Test
    void unexpectedOutputIsAnErrorNotAGuess() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok("Something else entirely\n"), ok(""));
        assertThatThrownBy(() -> is.status("x")).isInstanceOf(DmToolException.class)
                .hasMessage("unexpected integritysetup status output: 'Something else entirely'");
        assertThatThrownBy(() -> is.dump(dev.toString())).hasMessage("unexpected integritysetup dump output: ''");
    }

    @Test
    void dump() throws Exception {
        when(runner.run(List.of("integritysetup", "dump", dev.toString()), T))
                .thenReturn(ok(read("two-integrity/C-integritysetup-dump-loop1.txt")));
        IntegrityDump d = is.dump(dev.toString());
        assertThat(d).extracting(IntegrityDump::device, IntegrityDump::superblockVersion, IntegrityDump::tagSize,
                IntegrityDump::providedDataSectors, IntegrityDump::sectorSize)
                .containsExactly("/dev/loop0", 5, 32, 60992L, 512);
        assertThat(d.flags()).containsExactly("fix_padding", "fix_hmac");
        assertThat(d.fields()).containsEntry("journal_sections", "5");
    }

    @Test
    void formatRunsInBatchModeWithTheFormatTimeout() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(""));
        Path key = Files.writeString(dir.resolve("key"), "not printed");
        is.format(new IntegrityFormatOptions(dev.toString(), "hmac(sha256)", 32, 4096, IntegrityMode.BITMAP,
                key.toString(), 256));
        verify(runner).run(List.of("integritysetup", "format", "--batch-mode", "--integrity", "hmac(sha256)",
                "--integrity-key-file", key.toString(), "--integrity-key-size", "256", "--integrity-bitmap-mode",
                "--tag-size", "32", "--sector-size", "4096", dev.toString()), FORMAT_T);
    }

    @Test
    void formatWithDefaults() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(""));
        is.format(IntegrityFormatOptions.defaults(dev.toString()));
        verify(runner).run(List.of("integritysetup", "format", "--batch-mode", dev.toString()), FORMAT_T);
    }

    @Test
    void openAndClose() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(""));
        is.open(new IntegrityOpenOptions(dev.toString(), "integritytest", "sha256", IntegrityMode.DIRECT, null, null));
        verify(runner).run(List.of("integritysetup", "open", "--integrity", "sha256", "--integrity-no-journal",
                dev.toString(), "integritytest"), T);
        is.close("integritytest");
        verify(runner).run(List.of("integritysetup", "close", "integritytest"), T);
    }

    @Test
    void openFailureCarriesExitCode() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(CommandResult.of(List.of(), 1, "",
                "device-mapper: reload ioctl on badint (254:0) failed: Invalid argument\nCommand failed.\n"));
        assertThatThrownBy(() -> is.open(new IntegrityOpenOptions(dev.toString(), "badint", null, null, null, null)))
                .isInstanceOf(ToolFailedException.class)
                .hasMessage("integritysetup open failed (exit 1): device-mapper: reload ioctl on badint (254:0)"
                        + " failed: Invalid argument; Command failed.");
    }

    @Test
    void badArgumentsNeverReachTheTool() {
        assertThatThrownBy(() -> is.close("-rf")).isInstanceOf(InvalidDeviceNameException.class);
        assertThatThrownBy(() -> is.open(new IntegrityOpenOptions(dev.toString(), "a/b", null, null, null, null)))
                .isInstanceOf(InvalidDeviceNameException.class);
        assertThatThrownBy(() -> is.format(new IntegrityFormatOptions(dev.toString(), "--debug", null, null, null, null, null)))
                .isInstanceOf(InvalidDeviceNameException.class).hasMessageContaining("crypto API name");
        assertThatThrownBy(() -> is.format(new IntegrityFormatOptions(dev.toString(), null, 0, null, null, null, null)))
                .isInstanceOf(InvalidDeviceNameException.class).hasMessageContaining("tag size must be positive");
        assertThatThrownBy(() -> is.format(new IntegrityFormatOptions(dev.toString(), null, null, null,
                IntegrityMode.RECOVERY, null, null))).isInstanceOf(InvalidDeviceNameException.class);
        assertThatThrownBy(() -> is.dump(dir.resolve("missing").toString()))
                .isInstanceOf(InvalidDeviceNameException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> is.format(new IntegrityFormatOptions(dev.toString(), null, null, null, null,
                dir.resolve("nokey").toString(), null))).isInstanceOf(InvalidDeviceNameException.class);
        verifyNoInteractions(runner);
    }

    @Test
    void relativePathsBecomeAbsoluteSoNoneLooksLikeAnOption() throws Exception {
        DevicePaths paths = new DevicePaths(p -> true);
        Path p = paths.requireBlockDevice(dev.toString());
        assertThat(p.isAbsolute()).isTrue();
        when(runner.run(eq(List.of("integritysetup", "dump", p.toString())), any()))
                .thenReturn(ok(read("two-integrity/C-integritysetup-dump-loop1.txt")));
        assertThat(is.dump(dev.toString()).flags()).isNotEmpty();
        assertThat(Optional.of(p.toString())).hasValueSatisfying(s -> assertThat(s).startsWith("/"));
    }
}
