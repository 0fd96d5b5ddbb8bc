package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three ways in to locate, wired: {@code decode --locate} and {@code locate} on this machine,
 * where device 254:250 does not exist (the answer is UNKNOWN with the reason, not a guess). What
 * is located on real devices: Ext4ImageTest (real e2fsprogs) and e2e/guest/locate.sh (real kernel).
 */
class LocateCommandTest {
    static final String GONE = "254:250";

    @TempDir
    Path dir;

    @Test
    void decodeLocateAddsTheLocationToDataEvents() throws Exception {
        assumeFalse(Files.exists(Path.of("/sys/dev/block/" + GONE)), "device " + GONE + " exists on this machine");
        Path log = Files.writeString(dir.resolve("audit.log"),
                "type=UNKNOWN[1339] msg=audit(1700000000.100:15): module=integrity op=integrity-checksum dev=" + GONE
                        + " sector=20000 res=0\n");
        CliRun json = CliRun.run("decode", "--locate", "--format", "json", log.toString());
        assertThat(json.exitCode()).isZero();
        assertThat(json.out()).contains("\"location\":{\"kind\":\"unknown\"")
                .contains("\"detail\":\"device " + GONE + " does not exist (any more)\"");
        CliRun text = CliRun.run("decode", "--locate", log.toString());
        assertThat(text.out()).contains("sector=20000 FAILED serial=15 \u2192 location unknown: device " + GONE
                + " does not exist (any more)");
        CliRun plain = CliRun.run("decode", "--format", "json", log.toString());
        assertThat(plain.out()).doesNotContain("\"location\"");
    }

    @Test
    void locateAnswersWithTheReasonAndRefusesWhatIsNoDevice() {
        assumeFalse(Files.exists(Path.of("/sys/dev/block/" + GONE)), "device " + GONE + " exists on this machine");
        CliRun r = CliRun.run("locate", GONE, "20000");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith(GONE + " sector 20000 \u2192 location unknown: device " + GONE);
        CliRun missing = CliRun.run("locate", "/no/such/path", "1");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_NAME);
        assertThat(missing.err()).contains("no such device or path: /no/such/path");
        CliRun badName = CliRun.run("locate", "bad\nname", "1");
        assertThat(badName.exitCode()).isEqualTo(ExitCodes.BAD_NAME);
        assertThat(CliRun.run("locate", "--format", "raw", GONE, "1").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run("locate", "--timeout", "0s", GONE, "1").exitCode()).isEqualTo(ExitCodes.USAGE);
        // --uevent gives a verity uevent's unit: meaningless without a verity op
        CliRun uevent = CliRun.run("locate", "--uevent", GONE, "1");
        assertThat(uevent.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(uevent.err()).contains("--uevent needs --op verify-data or --op verify-metadata");
        CliRun json = CliRun.run("locate", "--format", "json", "--uevent", "--op", "verify-data", GONE, "7");
        assertThat(json.exitCode()).isZero();
        assertThat(json.out()).contains("\"uevent\":true").contains("\"kind\":\"unknown\"");
    }

    @Test
    void listenAndDecodeOfferTheLocateOptions() {
        assertThat(CliRun.run("listen", "--help").out()).contains("--locate").contains("--locate-timeout");
        assertThat(CliRun.run("decode", "--help").out()).contains("--locate");
        assertThat(CliRun.run("decode", "--locate-timeout", "0s", "--locate", "/dev/null").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
