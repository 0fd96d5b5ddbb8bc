package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import static dev.dmaudit.dm.Fixtures.failed;
import static dev.dmaudit.dm.Fixtures.ok;
import static dev.dmaudit.dm.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** dmsetup parsing on recorded outputs, with a mocked runner. */
class DmSetupTest {
    private static final Duration T = Duration.ofSeconds(5);
    private final CommandRunner runner = mock(CommandRunner.class);
    private final DmSetup dm = new DmSetup(runner, T);

    private static DmSetup fake(FakeDmsetup tool) {
        return new DmSetup(tool, T);
    }

    @Test
    void aRealPerDeviceTableParses() throws Exception {
        // Recorded from the real tool: `dmsetup table int1` prints no name prefix.
        answer(List.of("dmsetup", "table", "int1"), ok(read("two-integrity/C-dmsetup-table-int1.txt")));
        DmTableLine l = dm.table(DmSelector.name("int1"), KeyDisplay.REDACT).get(0);
        assertThat(l.device()).isEqualTo("int1");
        assertThat(((IntegrityTargetTable) l.target()).device()).isEqualTo("7:0");
    }

    private void answer(List<String> argv, CommandResult r) throws DmToolException {
        when(runner.run(eq(argv), eq(T))).thenReturn(r);
    }

    @Test
    void lsTwoIntegrityDevices() throws Exception {
        answer(List.of("dmsetup", "ls"), ok(read("two-integrity/C-dmsetup-ls.txt")));
        assertThat(dm.ls()).containsExactly(new DmDevice("int1", new DeviceNumber(254, 0)),
                new DmDevice("int2", new DeviceNumber(254, 1)));
    }

    @Test
    void lsWithNoDevices() throws Exception {
        answer(List.of("dmsetup", "ls"), ok("No devices found\n"));
        assertThat(dm.ls()).isEmpty();
    }

    @Test
    void infoUsesExplicitFieldsAndSeparator() throws Exception {
        List<String> argv = new ArrayList<>(List.of("dmsetup", "info"));
        argv.addAll(DmSetup.INFO_ARGS);
        answer(argv, ok(read("synthetic/dmsetup-info-sep-crypt-aead.txt")));
        List<DmInfo> info = dm.info(DmSelector.all());
        assertThat(argv).containsSequence("-c", "--noheadings", "--separator", ";",
                "-o", "name,major,minor,attr,open,segments,events,uuid");
        assertThat(info).hasSize(3);
        assertThat(info.get(1)).isEqualTo(new DmInfo("cryptint_dif", new DeviceNumber(254, 0), "L--w", 1, 1, 0,
                "CRYPT-INTEGRITY-e4b2173de84e49caaa56714824215ae0-cryptint_dif"));
        assertThat(info.get(1).liveTable()).isTrue();
        assertThat(info.get(1).suspended()).isFalse();
        DmInfo odd = info.get(2);
        assertThat(odd.name()).isEqualTo("odd;name");
        assertThat(odd.inactiveTable()).isTrue();
        assertThat(odd.suspended()).isTrue();
        assertThat(odd.readOnly()).isTrue();
        assertThat(odd.eventNumber()).isEqualTo(7);
        assertThat(odd.uuid()).isEmpty();
    }

    @Test
    void infoByNameAndById() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(read("synthetic/dmsetup-info-sep-two-integrity.txt")));
        dm.info(DmSelector.name("int2"));
        dm.info(DmSelector.id(new DeviceNumber(254, 1)));
        List<String> byName = new ArrayList<>(List.of("dmsetup", "info"));
        byName.addAll(DmSetup.INFO_ARGS);
        byName.add("int2");
        verify(runner).run(byName, T);
        List<String> byId = new ArrayList<>(byName.subList(0, byName.size() - 1));
        byId.addAll(List.of("-j", "254", "-m", "1"));
        verify(runner).run(byId, T);
    }

    @Test
    void statusOfTwoIntegrityDevicesAfterCorruption() throws Exception {
        List<DmStatusLine> s = fake(new FakeDmsetup(read("two-integrity/C-dmsetup-ls.txt"), null,
                read("two-integrity/C-dmsetup-status-after-read.txt"))).status(DmSelector.all());
        assertThat(s).containsExactly(
                new DmStatusLine("int1", 0, 60992, "integrity", new IntegrityTargetStatus(0, 60992, OptionalLong.empty())),
                new DmStatusLine("int2", 0, 64664, "integrity", new IntegrityTargetStatus(2, 64664, OptionalLong.empty())));
    }

    @Test
    void statusOfOneDeviceHasNoNamePrefix() throws Exception {
        answer(List.of("dmsetup", "status", "int1"), ok(read("two-integrity/C-dmsetup-status-int1.txt")));
        assertThat(dm.status(DmSelector.name("int1"))).containsExactly(
                new DmStatusLine("int1", 0, 60992, "integrity", new IntegrityTargetStatus(0, 60992, OptionalLong.empty())));
    }

    @Test
    void statusOfCryptOverIntegrityWithTrailingSpace() throws Exception {
        List<DmStatusLine> s = fake(new FakeDmsetup(read("crypt-aead/A-dmsetup-ls.txt"), null,
                read("crypt-aead/A-dmsetup-status-after.txt"))).status(DmSelector.all());
        assertThat(s.get(0).status()).isEqualTo(new CryptTargetStatus());
        assertThat(s.get(1).status()).isInstanceOf(IntegrityTargetStatus.class);
    }

    @Test
    void statusOfVerityLinearRecalcAndUnknown() throws Exception {
        List<TargetStatus> s = fake(FakeDmsetup.withNumberedNames(null, read("synthetic/dmsetup-status-mixed.txt")))
                .status(DmSelector.all()).stream().map(DmStatusLine::status).toList();
        assertThat(s).containsExactly(
                new VerityTargetStatus(VerityState.VERIFIED, OptionalLong.empty()),
                new VerityTargetStatus(VerityState.CORRUPTED, OptionalLong.empty()),
                new VerityTargetStatus(VerityState.VERIFIED, OptionalLong.of(3)),
                new LinearTargetStatus(),
                new LinearTargetStatus(),
                new IntegrityTargetStatus(0, 60992, OptionalLong.of(4096)),
                new RawTargetStatus(List.of("1", "401/4161600", "0/1638400", "-", "rw", "discard_passdown",
                        "queue_if_no_space", "-", "1024")));
    }

    @Test
    void tableOfIntegrityDevices() throws Exception {
        FakeDmsetup tool = new FakeDmsetup(read("two-integrity/C-dmsetup-ls.txt"), read("two-integrity/C-dmsetup-table.txt"), null);
        List<DmTableLine> t = fake(tool).table(DmSelector.all(), KeyDisplay.REDACT);
        // Per device by number from ls, never the all-devices table.
        assertThat(tool.calls).containsExactly(List.of("dmsetup", "ls"), List.of("dmsetup", "table", "-j", "254", "-m", "0"),
                List.of("dmsetup", "table", "-j", "254", "-m", "1"));
        assertThat(t.get(0).device()).isEqualTo("int1");
        assertThat(t).hasSize(2);
        IntegrityTargetTable int2 = (IntegrityTargetTable) t.get(1).target();
        assertThat(int2.device()).isEqualTo("7:1");
        assertThat(int2.tagSize()).isEqualTo(4);
        assertThat(int2.mode()).isEqualTo(IntegrityMode.JOURNAL);
        assertThat(int2.option("internal_hash")).contains("crc32c");
        assertThat(int2.option("fix_hmac")).contains("");
        assertThat(int2.option("journal_mac")).isEmpty();
        assertThat(String.join(" ", int2.params())).isEqualTo(
                "7:1 0 4 J 8 journal_sectors:352 interleave_sectors:32768 buffer_sectors:128 journal_watermark:50"
                        + " commit_time:10000 fix_padding fix_hmac internal_hash:crc32c");
    }

    @Test
    void tableOfCryptAeadRedactsTheKeyringReference() throws Exception {
        List<DmTableLine> t = fake(new FakeDmsetup(read("crypt-aead/A-dmsetup-ls.txt"), read("crypt-aead/A-dmsetup-table.txt"), null))
                .table(DmSelector.all(), KeyDisplay.REDACT);
        CryptTargetTable c = (CryptTargetTable) t.get(0).target();
        assertThat(c.cipher()).isEqualTo("capi:authenc(hmac(sha256),xts(aes))-plain64");
        assertThat(c.key()).isEqualTo(KeyRedactor.REDACTED);
        assertThat(c.device()).isEqualTo("254:0");
        assertThat(c.options()).containsExactly("integrity:32:aead");
        assertThat(t.get(1).target()).isInstanceOf(IntegrityTargetTable.class);
        assertThat(DmEnricher.backingDevice(t.get(1).target())).contains("7:0");
    }

    @Test
    void tableOfVerityLinearAndUnknown() throws Exception {
        List<DmTableLine> t = fake(FakeDmsetup.withNumberedNames(read("synthetic/dmsetup-table-showkeys.txt"), null))
                .table(DmSelector.all(), KeyDisplay.REDACT);
        VerityTargetTable v = (VerityTargetTable) t.get(5).target();
        assertThat(v.hashDevice()).isEqualTo("7:6");
        assertThat(v.algorithm()).isEqualTo("sha256");
        assertThat(v.salt()).isEqualTo("-");
        assertThat(t.get(6).target()).isEqualTo(new LinearTargetTable("7:7", 2048));
        assertThat(t.get(7).start()).isEqualTo(1000);
        assertThat(t.get(8).target()).isEqualTo(new RawTargetTable(List.of()));
        assertThat(t.get(1).target()).isInstanceOf(CryptTargetTable.class);
        assertThat(((CryptTargetTable) t.get(1).target()).options()).containsExactly("allow_discards", "sector_size:4096");
    }

    @Test
    void showKeysPassesShowkeysToTheTool() throws Exception {
        answer(List.of("dmsetup", "table", "--showkeys", "plain"), ok(
                "0 2097152 crypt aes-xts-plain64 " + Fixtures.keys().get(0) + " 0 7:2 4096\n"));
        CryptTargetTable c = (CryptTargetTable) dm.table(DmSelector.name("plain"), KeyDisplay.SHOW).get(0).target();
        assertThat(c.key()).isEqualTo(Fixtures.keys().get(0));
        assertThat(c.toString()).doesNotContain(Fixtures.keys().get(0));
    }

    @Test
    void versionWithDriver() throws Exception {
        answer(List.of("dmsetup", "version"), ok(read("synthetic/dmsetup-version.txt")));
        assertThat(dm.version()).isEqualTo(new DmVersion("1.02.185 (2022-05-18)", Optional.of("4.47.0")));
    }

    @Test
    void versionWithoutKernelDriverStillNamesTheLibrary() throws Exception {
        answer(List.of("dmsetup", "version"), CommandResult.of(List.of("dmsetup", "version"), 1,
                read("local/dmsetup-version-no-driver.stdout"), read("local/dmsetup-version-no-driver.stderr")));
        assertThat(dm.version()).isEqualTo(new DmVersion("1.02.185 (2022-05-18)", Optional.empty()));
    }

    @Test
    void targets() throws Exception {
        answer(List.of("dmsetup", "targets"), ok(read("synthetic/dmsetup-targets.txt")));
        assertThat(dm.targets()).hasSize(6).first().isEqualTo(new DmTargetVersion("integrity", "v1.10.0"));
    }

    @Test
    void nonZeroExitBecomesToolFailedWithOneLineStderr() throws Exception {
        answer(List.of("dmsetup", "ls"), failed(1, read("local/dmsetup-version-no-driver.stderr")));
        assertThatThrownBy(dm::ls).isInstanceOfSatisfying(ToolFailedException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(1);
            assertThat(e.getMessage()).startsWith("dmsetup ls failed (exit 1): /dev/mapper/control: open failed")
                    .doesNotContain("\n").endsWith("Command failed.");
            assertThat(e.stderr()).contains("Check that device-mapper is available in the kernel.");
        });
    }

    @Test
    void timeoutAndMissingToolPropagate() throws Exception {
        when(runner.run(eq(List.of("dmsetup", "ls")), any())).thenThrow(new ToolTimeoutException("dmsetup", T));
        assertThatThrownBy(dm::ls).isInstanceOf(ToolTimeoutException.class).hasMessageContaining("5000 ms");
        when(runner.run(eq(List.of("dmsetup", "targets")), any())).thenThrow(new ToolMissingException("dmsetup", "dmsetup"));
        assertThatThrownBy(dm::targets).isInstanceOf(ToolMissingException.class)
                .hasMessage("dmsetup not found: install the Debian package dmsetup");
    }

    @Test
    void truncatedOutputIsNotParsed() throws Exception {
        answer(List.of("dmsetup", "ls"), new CommandResult(List.of("dmsetup", "ls"), 0, "int1\t(254:0)\nint", "", true, false));
        assertThatThrownBy(dm::ls).isInstanceOf(ToolOutputTooLargeException.class);
    }

    @Test
    void malformedLineIsAnErrorNotAGuess() throws Exception {
        answer(List.of("dmsetup", "ls"), ok("garbage\n"));
        assertThatThrownBy(dm::ls).isInstanceOf(DmToolException.class).hasMessageContaining("unexpected dmsetup ls line");
    }

    @Test
    void refusedNameNeverReachesTheTool() {
        assertThatThrownBy(() -> dm.status(DmSelector.name("--help"))).isInstanceOf(InvalidDeviceNameException.class);
    }
}
