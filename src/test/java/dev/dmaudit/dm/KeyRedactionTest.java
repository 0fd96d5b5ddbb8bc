package dev.dmaudit.dm;

import static dev.dmaudit.dm.Fixtures.keys;
import static dev.dmaudit.dm.Fixtures.ok;
import static dev.dmaudit.dm.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No key from a table may reach a result's toString, its params, or an exception message. */
class KeyRedactionTest {
    private final CommandRunner runner = mock(CommandRunner.class);
    private final DmSetup dm = new DmSetup(runner, Duration.ofSeconds(1));

    @Test
    void tableResultsCarryNoKeys() throws Exception {
        List<DmTableLine> lines = new DmSetup(FakeDmsetup.withNumberedNames(read("synthetic/dmsetup-table-showkeys.txt"), null),
                Duration.ofSeconds(1)).table(DmSelector.all(), KeyDisplay.REDACT);
        StringBuilder everything = new StringBuilder(lines.toString());
        lines.forEach(l -> everything.append(String.join(" ", l.target().params())).append('\n'));
        assertNoKeys(everything.toString());
        assertThat(everything).contains("internal_hash:hmac(sha256):<redacted>",
                "journal_crypt:ctr(aes):<redacted>", "journal_mac:hmac(sha256):<redacted>",
                "aes-xts-plain64 <redacted> 0 7:2 4096", "internal_hash:sha256 ");
    }

    /**
     * Issue 18: a device named {@code evil: 0 1 zero} shifted the all-devices table's fields, so
     * the crypt line's key landed in the params of a key-free "zero" target and was printed.
     */
    @Test
    void aDeviceNameThatForgesTheTablePrefixLeaksNoKey() throws Exception {
        String key = keys().get(0);
        FakeDmsetup tool = new FakeDmsetup("evil: 0 1 zero\t(254:3)\nplain\t(254:4)\n",
                "evil: 0 1 zero: 0 2097152 crypt aes-xts-plain64 " + key + " 0 7:2 4096\n"
                        + "plain: 0 2097152 crypt aes-xts-plain64 " + keys().get(1) + " 0 7:3 4096\n", null);
        List<DmTableLine> lines = new DmSetup(tool, Duration.ofSeconds(1)).table(DmSelector.all(), KeyDisplay.REDACT);
        StringBuilder everything = new StringBuilder(lines.toString());
        lines.forEach(l -> everything.append(String.join(" ", l.target().params())).append('\n'));
        assertNoKeys(everything.toString());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).device()).isEqualTo("evil: 0 1 zero");
        assertThat(lines.get(0).targetType()).isEqualTo("crypt");
        assertThat(((CryptTargetTable) lines.get(0).target()).key()).isEqualTo(KeyRedactor.REDACTED);
    }

    @Test
    void unknownTargetsGetEveryLongHexAndBase64RunRedacted() {
        // default-key (Android/ChromeOS) carries a raw key: <cipher> <key> <iv_offset> <dev> <start>.
        String hex = keys().get(0);
        TargetTable dk = TargetTableParser.parse("default-key", List.of("aes-xts-plain64", hex, "0", "7:2", "0"), KeyDisplay.REDACT);
        assertThat(dk).isEqualTo(new RawTargetTable(List.of("aes-xts-plain64", KeyRedactor.REDACTED, "0", "7:2", "0")));
        String b64 = "q83vEjRWeJq83vEjRWeJqw==";
        String inside = "key=" + hex.substring(0, 40) + ",x";
        TargetTable other = TargetTableParser.parse("some-new-target",
                List.of(b64, inside, "allow_discards", "sector_size:4096", "abcdefghijklmnopqrstuvwxyz"), KeyDisplay.REDACT);
        assertThat(other.params()).containsExactly(KeyRedactor.REDACTED, "key=" + KeyRedactor.REDACTED + ",x",
                "allow_discards", "sector_size:4096", "abcdefghijklmnopqrstuvwxyz");
        // Known key-free targets are shown as they are (a verity root digest is public).
        String digest = "3f2e6a1d8c5b4e7a9f0d1c2b3a4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
        assertThat(TargetTableParser.redact("verity", List.of(digest), KeyDisplay.REDACT)).containsExactly(digest);
        assertThat(TargetTableParser.parse("default-key", List.of("aes", hex), KeyDisplay.SHOW).params()).contains(hex);
    }

    @Test
    void keysAreRedactedEvenWhenTheLayoutIsUnfamiliar() {
        TargetTable t = TargetTableParser.parse("integrity",
                List.of("7:3", "0", "32", "X", "1", "internal_hash:hmac(sha256):" + keys().get(1)), KeyDisplay.REDACT);
        assertThat(t).isInstanceOf(RawTargetTable.class);
        assertNoKeys(t.toString());
        TargetTable c = TargetTableParser.parse("crypt", List.of("aes", keys().get(0), "x"), KeyDisplay.REDACT);
        assertThat(c).isInstanceOf(RawTargetTable.class);
        assertNoKeys(c.toString());
    }

    @Test
    void failedToolStderrAndParseErrorsAreRedacted() throws Exception {
        String stderr = "device-mapper: reload ioctl failed for table 0 8 crypt aes-xts-plain64 " + keys().get(0)
                + " 0 7:0 0 and internal_hash:hmac(sha256):" + keys().get(1) + "\nCommand failed.\n";
        when(runner.run(anyList(), any())).thenReturn(CommandResult.of(List.of("dmsetup"), 1, "", stderr));
        Throwable e = catchThrowable(() -> dm.table(DmSelector.all(), KeyDisplay.REDACT));
        assertThat(e).isInstanceOf(ToolFailedException.class);
        assertNoKeys(e.getMessage());
        assertNoKeys(((ToolFailedException) e).stderr());
        assertNoKeys(e.toString());

        when(runner.run(anyList(), any())).thenReturn(ok("weird line crypt aes " + keys().get(0) + "\n"));
        Throwable parse = catchThrowable(() -> dm.table(DmSelector.all(), KeyDisplay.REDACT));
        assertThat(parse).isInstanceOf(DmToolException.class);
        assertNoKeys(parse.getMessage());
    }

    @Test
    void commandResultToStringShowsNoOutput() {
        CommandResult r = ok(read("synthetic/dmsetup-table-showkeys.txt"));
        assertNoKeys(r.toString());
    }

    @Test
    void showIsAnExplicitOptIn() {
        assertThat(KeyRedactor.integrityOption("journal_mac:hmac(sha256):abcd", KeyDisplay.SHOW))
                .isEqualTo("journal_mac:hmac(sha256):abcd");
        assertThat(KeyRedactor.integrityOption("journal_mac:hmac(sha256):abcd", KeyDisplay.REDACT))
                .isEqualTo("journal_mac:hmac(sha256):<redacted>");
        assertThat(KeyRedactor.integrityOption("internal_hash:crc32c", KeyDisplay.REDACT)).isEqualTo("internal_hash:crc32c");
        assertThat(KeyRedactor.cryptParams(List.of("aes", "k"), KeyDisplay.SHOW)).containsExactly("aes", "k");
    }

    static void assertNoKeys(String text) {
        for (String key : keys()) {
            assertThat(text).doesNotContain(key).doesNotContain(key.substring(0, 16));
        }
    }
}
