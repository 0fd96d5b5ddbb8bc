package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory walk names inodes from the entries themselves (getdents64), every hard link. */
class InodePathsTest {
    @TempDir
    Path root;

    @Test
    void everyLinkOfTheWantedInodesAndNothingElse() throws Exception {
        Path a = Files.createDirectories(root.resolve("dir with spaces"));
        Path f = Files.writeString(a.resolve("data file.bin"), "x");
        Path b = Files.createDirectories(root.resolve("other/deeper"));
        Files.createLink(b.resolve("hard link.bin"), f);
        Path g = Files.writeString(b.resolve("not wanted"), "y");
        long ino = (Long) Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        long dirIno = (Long) Files.getAttribute(b, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        InodePaths.Found found = InodePaths.find(root, Set.of(ino, dirIno), 1000, 10_000_000_000L);
        assertThat(found.complete()).isTrue();
        assertThat(found.paths().get(ino)).containsExactlyInAnyOrder(f.toString(), b.resolve("hard link.bin").toString());
        assertThat(found.paths().get(dirIno)).containsExactly(b.toString());
        assertThat(found.paths()).doesNotContainKey((Long) Files.getAttribute(g, "unix:ino", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aWalkCutShortSaysSo() throws Exception {
        for (int i = 0; i < 20; i++) {
            Files.writeString(root.resolve("f" + i), "z");
        }
        InodePaths.Found found = InodePaths.find(root, Set.of(1L), 5, 10_000_000_000L);
        assertThat(found.complete()).isFalse();
    }
}
