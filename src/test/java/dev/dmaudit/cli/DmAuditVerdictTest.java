package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.cli.DmAuditVerdict.Host;
import dev.dmaudit.cli.DmAuditVerdict.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verdict on fake /proc, /sys, /boot and /dev trees. */
class DmAuditVerdictTest {
    private static final String RELEASE = "6.1.0-57-amd64";
    private static final String DEVICES_DM = "Character devices:\n  1 mem\n\nBlock devices:\n  7 loop\n254 device-mapper\n";
    private static final String DEVICES_NO_DM = "Character devices:\n  1 mem\n\nBlock devices:\n  7 loop\n";
    @TempDir
    Path root;

    private void write(String path, String text) throws IOException {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void configGz(String text) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(root.resolve("proc/config.gz")))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private DmAuditVerdict.Result judge(Boolean audit, Boolean canRead) {
        return DmAuditVerdict.judge(new Host(root, RELEASE), audit, canRead, true);
    }

    @Test
    void everythingInPlaceWillArrive() throws IOException {
        write("/proc/devices", DEVICES_DM);
        write("/boot/config-" + RELEASE, "CONFIG_AUDIT=y\nCONFIG_BLK_DEV_DM=m\nCONFIG_DM_AUDIT=y\n");
        DmAuditVerdict.Result r = judge(true, true);
        assertThat(r.outcome()).isEqualTo(Outcome.WILL_ARRIVE);
        assertThat(r.line()).isEqualTo("will arrive");
    }

    @Test
    void aKernelBuiltWithoutDeviceMapperWillNot() throws IOException {
        // This host's case: no device-mapper anywhere, a stale /dev/mapper/control, config in /proc.
        write("/proc/devices", DEVICES_NO_DM);
        write("/proc/modules", "");
        write("/dev/mapper/control", "");
        configGz("CONFIG_AUDIT=y\n# CONFIG_MD is not set\n");
        DmAuditVerdict.Result r = judge(true, true);
        assertThat(r.outcome()).isEqualTo(Outcome.WILL_NOT);
        assertThat(r.line()).isEqualTo("will not, because the kernel has no device-mapper: CONFIG_BLK_DEV_DM is not set "
                + "(/proc/config.gz) (/dev/mapper/control exists, but no driver answers it)");
    }

    @Test
    void anUnloadedModuleWillNotAndSaysHowToLoadIt() throws IOException {
        write("/proc/devices", DEVICES_NO_DM);
        write("/proc/modules", "loop 32768 0 - Live 0x0\n");
        write("/boot/config-" + RELEASE, "CONFIG_BLK_DEV_DM=m\nCONFIG_DM_AUDIT=y\n");
        DmAuditVerdict.Result r = judge(true, true);
        assertThat(r.outcome()).isEqualTo(Outcome.WILL_NOT);
        assertThat(r.line()).contains("device-mapper is not loaded").contains("modprobe dm_mod");
    }

    @Test
    void withoutConfigDmAuditWillNot() throws IOException {
        write("/proc/devices", DEVICES_DM);
        write("/boot/config-" + RELEASE, "CONFIG_BLK_DEV_DM=y\n# CONFIG_DM_AUDIT is not set\n");
        assertThat(judge(true, true).line())
                .isEqualTo("will not, because the kernel was built without CONFIG_DM_AUDIT (/boot/config-" + RELEASE + ")");
    }

    @Test
    void auditOffAndMissingCapabilityAreBothNamed() throws IOException {
        write("/proc/devices", DEVICES_DM);
        write("/boot/config-" + RELEASE, "CONFIG_DM_AUDIT=y\n");
        DmAuditVerdict.Result r = judge(false, false);
        assertThat(r.outcome()).isEqualTo(Outcome.WILL_NOT);
        assertThat(r.reasons()).containsExactly("kernel auditing is off (auditctl -e 1, or listen --enable-audit)",
                "this process lacks CAP_AUDIT_READ (listen needs it: run as root or grant it)");
    }

    @Test
    void anUnreadableConfigIsUnknownNotYes() throws IOException {
        write("/proc/devices", DEVICES_DM);
        DmAuditVerdict.Result r = judge(true, null);
        assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(r.line()).startsWith("unknown, because CONFIG_DM_AUDIT cannot be read (no readable /boot/config-"
                + RELEASE + " or /proc/config.gz); this process's capabilities are unknown");
        // A certain "no" wins over what is unknown.
        assertThat(judge(false, null).outcome()).isEqualTo(Outcome.WILL_NOT);
    }

    @Test
    void sysModuleStandsInForAnUnreadableProcDevices() throws IOException {
        Files.createDirectories(root.resolve("sys/module/dm_mod"));
        write("/boot/config-" + RELEASE, "CONFIG_DM_AUDIT=y\n");
        assertThat(judge(true, true).outcome()).isEqualTo(Outcome.WILL_ARRIVE);
    }
}
