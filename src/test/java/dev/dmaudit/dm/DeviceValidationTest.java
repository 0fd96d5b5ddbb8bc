package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names and paths are refused before any tool sees them. */
class DeviceValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"int1", "cryptint_dif", "a b", "odd;name", "x-y", "\u00e9t\u00e9"})
    void acceptsOrdinaryNames(String name) throws Exception {
        assertThat(DeviceNames.requireValid(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "--help", "a/b", "/dev/mapper/x", "a\nb", "a\u001b[31m", "tab\there", ".", ".."})
    void refusesDangerousNames(String name) {
        assertThatThrownBy(() -> DeviceNames.requireValid(name)).isInstanceOf(InvalidDeviceNameException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u001b", "\t"));
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> DeviceNames.requireValid(null)).hasMessage("device name is empty");
    }

    @Test
    void lengthLimitIsInBytes() throws Exception {
        assertThat(DeviceNames.requireValid("a".repeat(127))).hasSize(127);
        assertThatThrownBy(() -> DeviceNames.requireValid("a".repeat(128))).hasMessageContaining("127 bytes");
        // 64 two-byte characters: 64 chars but 128 bytes.
        assertThatThrownBy(() -> DeviceNames.requireValid("\u00e9".repeat(64))).hasMessageContaining("127 bytes");
    }

    @Test
    void pathsMustExistAndBeBlockDevices(@TempDir Path dir) throws Exception {
        Path f = Files.createFile(dir.resolve("disk"));
        assertThatThrownBy(() -> new DevicePaths(BlockDeviceCheck.unixMode()).requireBlockDevice(f.toString()))
                .isInstanceOf(InvalidDeviceNameException.class).hasMessageContaining("is not a block device");
        assertThat(new DevicePaths(p -> true).requireBlockDevice(f.toString())).isEqualTo(f);
        assertThatThrownBy(() -> new DevicePaths(p -> true).requireBlockDevice(dir.resolve("none").toString()))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new DevicePaths(p -> true).requireBlockDevice("/dev/x\n"))
                .hasMessageContaining("control characters");
        assertThatThrownBy(() -> new DevicePaths(p -> true).requireBlockDevice("")).hasMessage("device path is empty");
    }

    @Test
    void realCheckRecognisesABlockDeviceWhenOneExists() throws Exception {
        Path loop = Path.of("/dev/loop0");
        if (Files.exists(loop)) {
            assertThat(BlockDeviceCheck.unixMode().isBlockDevice(loop)).isTrue();
        }
        assertThat(BlockDeviceCheck.unixMode().isBlockDevice(Path.of("/dev/null"))).isFalse();
    }

    @Test
    void deviceIdParsing() {
        assertThat(DeviceNumber.of("254:1")).isEqualTo(new DeviceNumber(254, 1));
        assertThat(new DeviceNumber(7, 0)).hasToString("7:0");
        assertThatThrownBy(() -> DeviceNumber.of("254")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceNumber.of("a:b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceNumber.of("1:2:3")).isInstanceOf(IllegalArgumentException.class);
    }
}
