package dev.dmaudit.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIEMAP's failures name the call and the errno. The extents themselves are checked against a real
 * XFS in dev.dmaudit.locate.XfsMountedTest.
 */
class FileExtentsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileNamesOpenAndEnoent() {
        assertThatThrownBy(() -> FileExtents.of(dir.resolve("missing").toString()))
                .isInstanceOfSatisfying(SyscallException.class, e -> {
                    assertThat(e.syscall()).isEqualTo("open");
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                });
    }

    @Test
    void aFifoInAFilesPlaceDoesNotHangAndNamesTheIoctl() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(p.waitFor()).isZero();
        assertThatThrownBy(() -> FileExtents.of(fifo.toString()))
                .isInstanceOfSatisfying(SyscallException.class, e ->
                        assertThat(e.syscall()).isEqualTo("ioctl(FS_IOC_FIEMAP)"));
    }

    @Test
    void aSymbolicLinkIsNotFollowed() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertThatThrownBy(() -> FileExtents.of(link.toString()))
                .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errnoName()).isEqualTo("ELOOP"));
    }
}
