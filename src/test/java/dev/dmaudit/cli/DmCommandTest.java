package dev.dmaudit.cli;

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

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dmaudit.dm.CommandResult;
import dev.dmaudit.dm.CommandRunner;
import dev.dmaudit.dm.FakeDmsetup;
import dev.dmaudit.dm.Fixtures;
import dev.dmaudit.dm.ToolMissingException;
import dev.dmaudit.dm.ToolTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dmaudit dm ...} through the real command line, with a mocked runner. */
class DmCommandTest {
    private final CommandRunner runner = mock(CommandRunner.class);

    @BeforeEach
    void useMockedTools() {
        DmTooling.runners = () -> runner;
    }

    @AfterEach
    void reset() {
        DmTooling.reset();
    }

    @Test
    void lsText() throws Exception {
        when(runner.run(eq(List.of("dmsetup", "ls")), any())).thenReturn(ok(read("two-integrity/C-dmsetup-ls.txt")));
        CliRun r = CliRun.of("dm", "ls");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).isEqualTo("name=int1 major=254 minor=0\nname=int2 major=254 minor=1\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void statusJsonOneObjectPerLine() throws Exception {
        DmTooling.runners = () -> new FakeDmsetup(read("two-integrity/C-dmsetup-ls.txt"), null,
                read("two-integrity/C-dmsetup-status-after-read.txt"));
        CliRun r = CliRun.of("dm", "status", "--format", "json");
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        Map<String, Object> int2 = parse(lines.get(1));
        assertThat(int2).containsEntry("name", "int2").containsEntry("target", "integrity")
                .containsEntry("mismatches", 2L).containsEntry("provided_data_sectors", 64664L)
                .containsEntry("recalculate_position", null);
    }

    @Test
    void statusOfOneDeviceText() throws Exception {
        when(runner.run(eq(List.of("dmsetup", "status", "int1")), any()))
                .thenReturn(ok(read("two-integrity/C-dmsetup-status-int1.txt")));
        assertThat(CliRun.of("dm", "status", "int1").out()).isEqualTo(
                "name=int1 start=0 length=60992 target=integrity mismatches=0 provided_data_sectors=60992"
                        + " recalculate_position=-\n");
    }

    @Test
    void infoTextEscapesUntrustedNames() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok("evil\u001b[2J;254;3;L--w;0;1;0;\n"));
        CliRun r = CliRun.of("dm", "info");
        assertThat(r.out()).doesNotContain("\u001b").contains("name=evil\\x1b[2J major=254 minor=3")
                .contains("uuid=\"\"");
    }

    @Test
    void infoJson() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(read("synthetic/dmsetup-info-sep-crypt-aead.txt")));
        CliRun r = CliRun.of("dm", "info", "--format=json");
        Map<String, Object> dif = parse(r.out().lines().toList().get(1));
        assertThat(dif).containsEntry("name", "cryptint_dif").containsEntry("open", 1L)
                .containsEntry("live_table", true).containsEntry("suspended", false)
                .containsEntry("uuid", "CRYPT-INTEGRITY-e4b2173de84e49caaa56714824215ae0-cryptint_dif");
    }

    @Test
    void tableRedactsKeysInTextAndJson() throws Exception {
        DmTooling.runners = () -> FakeDmsetup.withNumberedNames(read("synthetic/dmsetup-table-showkeys.txt"), null);
        for (String format : List.of("text", "json")) {
            CliRun r = CliRun.of("dm", "table", "--format", format);
            assertThat(r.code()).isZero();
            for (String key : Fixtures.keys()) {
                assertThat(r.out()).doesNotContain(key);
            }
            assertThat(r.out()).contains("<redacted>");
        }
        CliRun text = CliRun.of("dm", "table");
        assertThat(text.out().lines().toList().get(3)).isEqualTo(
                "name=hmac start=0 length=60992 target=integrity device=7:3 offset=0 tag_size=32 mode=journal"
                        + " options=\"journal_sectors:440 internal_hash:hmac(sha256):<redacted> fix_hmac\"");
    }

    @Test
    void aForgedNameLeaksNoKeyInTextOrJson() {
        // Issue 18: with the all-devices table, "evil: 0 1 zero" made the crypt key a zero target's params.
        String key = Fixtures.keys().get(0);
        DmTooling.runners = () -> new FakeDmsetup("evil: 0 1 zero\t(254:3)\n",
                "evil: 0 1 zero: 0 2097152 crypt aes-xts-plain64 " + key + " 0 7:2 4096\n", null);
        for (String format : List.of("text", "json")) {
            CliRun r = CliRun.of("dm", "table", "--format", format);
            assertThat(r.code()).isZero();
            assertThat(r.out()).doesNotContain(key).contains("<redacted>").contains("crypt");
        }
    }

    @Test
    void showKeysIsAnExplicitOptIn() throws Exception {
        String key = Fixtures.keys().get(0);
        when(runner.run(eq(List.of("dmsetup", "table", "--showkeys", "plain")), any()))
                .thenReturn(ok("0 2097152 crypt aes-xts-plain64 " + key + " 0 7:2 4096\n"));
        CliRun r = CliRun.of("dm", "table", "--show-keys", "--format", "json", "plain");
        assertThat(parse(r.out().strip())).containsEntry("key", key).containsEntry("cipher", "aes-xts-plain64");
    }

    @Test
    void versionWithoutKernelDriver() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(CommandResult.of(List.of("dmsetup", "version"), 1,
                read("local/dmsetup-version-no-driver.stdout"), read("local/dmsetup-version-no-driver.stderr")));
        assertThat(CliRun.of("dm", "version").out()).isEqualTo("library: 1.02.185 (2022-05-18)\ndriver: -\n");
        assertThat(parse(CliRun.of("dm", "version", "--format", "json").out().strip()))
                .containsEntry("driver", null);
    }

    @Test
    void noDeviceMapperIsOneLineSayingSo(@TempDir Path tmp) throws Exception {
        when(runner.run(anyList(), any())).thenReturn(CommandResult.of(List.of("dmsetup", "ls"), 1, "",
                read("local/dmsetup-version-no-driver.stderr")));
        Path fake = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(fake.resolve("devices"), "Block devices:\n  7 loop\n");
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(fake.resolve("config.gz")))) {
            gz.write("CONFIG_AUDIT=y\n# CONFIG_MD is not set\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        ToolFailures.host = () -> new DmAuditVerdict.Host(tmp, "6.18.0");
        try {
            CliRun r = CliRun.of("dm", "ls");
            assertThat(r.code()).isEqualTo(ExitCodes.TOOL_FAILED);
            assertThat(r.out()).isEmpty();
            // Not dmsetup's five lines with their misleading "Incompatible libdevmapper": the reason.
            assertThat(r.err()).isEqualTo("dmaudit: dmsetup ls failed: the kernel has no device-mapper: "
                    + "CONFIG_BLK_DEV_DM is not set (/proc/config.gz)\n");
        } finally {
            ToolFailures.host = DmAuditVerdict.Host::system;
        }
    }

    @Test
    void otherToolFailuresKeepTheToolsWords() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(CommandResult.of(List.of("dmsetup", "ls"), 1, "",
                "Device does not exist.\nCommand failed.\n"));
        CliRun r = CliRun.of("dm", "ls");
        assertThat(r.code()).isEqualTo(ExitCodes.TOOL_FAILED);
        assertThat(r.err()).startsWith("dmaudit: dmsetup ls failed (exit 1): Device does not exist.").hasLineCount(1);
    }

    @Test
    void missingToolAndTimeoutHaveTheirOwnCodes() throws Exception {
        when(runner.run(eq(List.of("dmsetup", "ls")), any())).thenThrow(new ToolMissingException("dmsetup", "dmsetup"));
        CliRun missing = CliRun.of("dm", "ls");
        assertThat(missing.code()).isEqualTo(ExitCodes.TOOL_MISSING);
        assertThat(missing.err()).isEqualTo("dmaudit: dmsetup not found: install the Debian package dmsetup\n");

        when(runner.run(eq(List.of("dmsetup", "ls")), eq(Duration.ofSeconds(3))))
                .thenThrow(new ToolTimeoutException("dmsetup", Duration.ofSeconds(3)));
        CliRun timeout = CliRun.of("dm", "status", "--timeout", "3");
        assertThat(timeout.code()).isEqualTo(ExitCodes.TOOL_TIMEOUT);
        assertThat(timeout.err()).contains("did not finish within 3000 ms");
    }

    @Test
    void badNameIsRefusedBeforeTheTool() {
        CliRun r = CliRun.of("dm", "table", "a/b");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_NAME);
        assertThat(r.err()).isEqualTo("dmaudit: device name 'a/b' contains '/'\n");
        CliRun ctl = CliRun.of("dm", "status", "x\u001b]0;t\u0007");
        assertThat(ctl.code()).isEqualTo(ExitCodes.BAD_NAME);
        assertThat(ctl.err()).doesNotContain("\u001b").hasLineCount(1);
        verifyNoInteractions(runner);
    }

    @Test
    void defaultTimeoutIsThirtySeconds() throws Exception {
        when(runner.run(anyList(), any())).thenReturn(ok(read("synthetic/dmsetup-targets.txt")));
        assertThat(CliRun.of("dm", "targets").out()).startsWith("target=integrity version=v1.10.0\n");
        verify(runner).run(List.of("dmsetup", "targets"), Duration.ofSeconds(30));
    }

    @Test
    void badFormatIsAUsageError() {
        assertThat(CliRun.of("dm", "ls", "--format", "xml").code()).isEqualTo(ExitCodes.USAGE);
    }

    /** Reads one flat JSON object with jackson's parser: strings, numbers, booleans, null, string arrays. */
    static Map<String, Object> parse(String json) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                m.put(name, switch (t) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                    case VALUE_NULL -> null;
                    case START_ARRAY -> {
                        List<String> items = new java.util.ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            items.add(p.getText());
                        }
                        yield items;
                    }
                    default -> throw new AssertionError("unexpected " + t);
                });
            }
            assertThat(p.nextToken()).isNull();
        }
        return m;
    }
}
