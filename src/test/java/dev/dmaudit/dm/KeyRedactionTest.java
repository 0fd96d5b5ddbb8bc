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
        String table = read("synthetic/dmsetup-table-showkeys.txt");
        when(runner.run(anyList(), any())).thenReturn(ok(table));
        List<DmTableLine> lines = dm.table(DmSelector.all(), KeyDisplay.REDACT);
        StringBuilder everything = new StringBuilder(lines.toString());
        lines.forEach(l -> everything.append(String.join(" ", l.target().params())).append('\n'));
        assertNoKeys(everything.toString());
        assertThat(everything).contains("internal_hash:hmac(sha256):<redacted>",
                "journal_crypt:ctr(aes):<redacted>", "journal_mac:hmac(sha256):<redacted>",
                "aes-xts-plain64 <redacted> 0 7:2 4096", "internal_hash:sha256 ");
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
