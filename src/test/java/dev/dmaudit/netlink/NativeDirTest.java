package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeDirTest {
    @TempDir
    Path tmp;

    private static int uid() {
        return NativeDir.effectiveUid();
    }

    @Test
    void createsAMissingDirectoryWithMode0700() throws Exception {
        Path d = tmp.resolve("dmaudit");
        assertThat(NativeDir.ensureSafe(d, uid())).isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
        assertThat(NativeDir.ensureSafe(d, uid())).as("existing safe dir").isNull();
    }

    @Test
    void refusesGroupOrWorldWritable() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(NativeDir.ensureSafe(d, uid())).contains("writable");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(NativeDir.ensureSafe(d, uid())).contains("writable");
    }

    @Test
    void refusesSymlinksFilesAndOtherOwners() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThat(NativeDir.ensureSafe(link, uid())).contains("symbolic link");
        Path file = Files.createFile(tmp.resolve("file"));
        assertThat(NativeDir.ensureSafe(file, uid())).contains("not a directory");
        assertThat(NativeDir.ensureSafe(real, uid() + 1)).contains("owned by uid");
        assertThat(NativeDir.ensureSafe(tmp.resolve("missing/parent"), uid())).contains("cannot create");
    }

    @Test
    void candidatesForRootAndForUsers() {
        assertThat(NativeDir.candidates(0, null)).containsExactly(Path.of("/var/cache/dmaudit"));
        assertThat(NativeDir.candidates(1000, "/run/user/1000")).containsExactly(Path.of("/run/user/1000/dmaudit"));
        assertThat(NativeDir.candidates(1000, "relative")).isEmpty();
    }

    @Test
    void prepareChoosesAndRecordsTheDirectory() {
        assumeTrue(System.getProperty(NativeDir.PROPERTY) != null || uid() == 0 || System.getenv("XDG_RUNTIME_DIR") != null,
                "no candidate directory for this user");
        NativeDir.prepare();
        assertThat(NativeDir.chosen()).isNotBlank();
        assertThat(System.getProperty(NativeDir.PROPERTY)).isNotBlank();
    }
}
