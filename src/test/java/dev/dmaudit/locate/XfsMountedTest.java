package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.testing.LiveCondition;
import dev.dmaudit.testing.Requirement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mounted XFS without a reverse map ({@code mkfs.xfs -m rmapbt=0}, Debian 12's default) whose log
 * holds changes, on a real loop device of this host's kernel: the case where GETFSMAP says only
 * "allocated" and {@code xfs_db} refuses, and the data sector must still be named through the live
 * file mappings (FIEMAP). Needs root, losetup and a kernel with XFS; skipped elsewhere with the
 * reason, and fails under CI, which has them.
 *
 * <p>Expected answers come from elsewhere than the locator: the data block by searching the image
 * for the file's bytes, inode numbers from stat, the log's place from the superblock.
 */
class XfsMountedTest {
    @TempDir
    static Path dir;
    static final long SIZE = 320L * 1024 * 1024; // mkfs.xfs wants at least 300 MB (a sparse file)
    static final int BLOCKS = 64;
    static Path image;
    static Path mnt;
    static String loop;
    static boolean mounted;
    static byte[] data;
    static long dataIno;
    static DeviceNumber dev;
    static Locator locator;

    @BeforeAll
    static void mount() throws Exception {
        Requirement.met(!Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs")) ? "needs xfsprogs: tools/ensure-test-deps installs it"
                : LiveCondition.effectiveUid() != 0 ? "needs root (losetup, mount)"
                : !Files.readString(Path.of("/proc/filesystems")).contains("\txfs\n") ? "needs a kernel with XFS" : null);
        image = dir.resolve("xfs0.img");
        try (FileChannel c = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            c.truncate(SIZE);
            c.write(ByteBuffer.wrap(new byte[1]), SIZE - 1);
        }
        Ext4ImageTest.sh("/usr/sbin/mkfs.xfs", "-q", "-m", "rmapbt=0", "-b", "size=4096", image.toString());
        loop = Ext4ImageTest.sh("/usr/sbin/losetup", "--find", "--show", image.toString()).trim();
        mnt = Files.createDirectories(dir.resolve("mnt"));
        Ext4ImageTest.sh("/usr/bin/mount", "-t", "xfs", loop, mnt.toString());
        mounted = true;
        Path spaced = Files.createDirectories(mnt.resolve("dir with spaces"));
        Path other = Files.createDirectories(mnt.resolve("other"));
        Path many = Files.createDirectories(mnt.resolve("many"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(many.resolve("m" + i), "one block " + i + "\n");
        }
        data = new byte[BLOCKS * 4096];
        new Random(7).nextBytes(data);
        Path file = spaced.resolve("data file.bin");
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(data));
            c.force(true); // on the device: the image search below finds it
        }
        Files.createLink(other.resolve("hard link.bin"), file);
        Ext4ImageTest.sh("/usr/bin/fallocate", "-l", "1M", other.resolve("preallocated").toString());
        dataIno = (Long) Files.getAttribute(file, "unix:ino");
        dev = DeviceNumber.parse(Files.readString(Path.of("/sys/class/block", Path.of(loop).getFileName().toString(),
                "dev")).trim());
        locator = Locator.create();
    }

    @AfterAll
    static void unmount() throws Exception {
        try {
            if (mounted) {
                Ext4ImageTest.sh("/usr/bin/umount", mnt.toString());
            }
        } finally {
            if (loop != null) {
                Ext4ImageTest.sh("/usr/sbin/losetup", "-d", loop);
            }
        }
    }

    /** A change in the log before each question: xfs_db then cannot see the filesystem as it is. */
    @BeforeEach
    void busy() throws IOException {
        Path scratch = mnt.resolve("scratch-" + System.nanoTime());
        try (FileChannel c = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(new byte[100]));
            c.force(true);
        }
    }

    /** @return the 512-byte sector of the image holding block {@code n} of the data file (by content) */
    static long sectorOfDataBlock(int n) throws IOException {
        return XfsImageTest.sectorOfBlock(image, SIZE, data, n);
    }

    @Test
    void aDataSectorNamesTheFileEveryLinkAndTheOffsetThroughFiemap() throws Exception {
        long sector = sectorOfDataBlock(20) + 3;
        Location l = locator.locate(dev, "integrity-checksum", sector);
        assertThat(l.kind()).as(l.toString()).isEqualTo(Location.Kind.FILE);
        assertThat(l.filesystem()).isEqualTo("xfs");
        assertThat(l.mountPoint()).isEqualTo(mnt.toString());
        assertThat(l.paths()).containsExactlyInAnyOrder(mnt.resolve("dir with spaces/data file.bin").toString(),
                mnt.resolve("other/hard link.bin").toString());
        assertThat(l.inode()).isEqualTo(dataIno);
        assertThat(l.fileOffset()).isEqualTo(20L * 4096 + 3 * 512);
        assertThat(l.fsBlock()).isEqualTo(sector / 8);
        assertThat(l.detail()).isEqualTo("regular (FIEMAP)");
    }

    @Test
    void aPreallocatedExtentIsTheFileAndSaysReadsGiveZeros() throws Exception {
        Matcher m = Pattern.compile("(?m)^\\s*0: \\[0\\.\\.\\d+\\]:\\s+(\\d+)\\.\\.(\\d+)")
                .matcher(Ext4ImageTest.sh("/usr/sbin/xfs_io", "-r", "-c", "fiemap", mnt.resolve("other/preallocated").toString()));
        assertThat(m.find()).isTrue();
        long sector = Long.parseLong(m.group(1)) + 16;
        Location l = locator.locate(dev, "integrity-checksum", sector);
        assertThat(l.kind()).as(l.toString()).isEqualTo(Location.Kind.FILE);
        assertThat(l.paths()).containsExactly(mnt.resolve("other/preallocated").toString());
        assertThat(l.fileOffset()).isEqualTo(16L * 512);
        assertThat(l.detail()).contains("unwritten extent");
    }

    @Test
    void theLogIsNoFileAndTheAnswerSaysWhatWasSearched() throws Exception {
        String sb = Ext4ImageTest.sh("/usr/sbin/xfs_db", "-r", "-c", "sb 0", "-c", "print logstart", loop);
        long logstart = Long.parseLong(sb.replaceAll("(?s).*logstart = (\\d+).*", "$1"));
        String daddr = Ext4ImageTest.sh("/usr/sbin/xfs_db", "-r", "-c", "convert fsblock " + logstart + " daddr", loop);
        long sector = Long.parseLong(daddr.replaceAll("(?s).*\\((\\d+)\\).*", "$1")) + 8;
        Location l = locator.locate(dev, "integrity-checksum", sector);
        assertThat(l.kind()).as(l.toString()).isNotEqualTo(Location.Kind.FILE).isNotEqualTo(Location.Kind.FREE);
        if (l.kind() == Location.Kind.UNSUPPORTED) { // xfs_db refused the busy filesystem: say what was tried
            assertThat(l.detail()).contains("in no file's data that a path reaches (FIEMAP of ");
            assertThat(l.fsBlock()).isEqualTo(sector / 8);
        } else {
            assertThat(l.detail()).as(l.toString()).contains("log");
        }
    }

    @Test
    void severalSectorsOfOneBurstAreEachNamed() throws Exception {
        List<Locator.Query> queries = new ArrayList<>();
        long[] sectors = new long[4];
        for (int i = 0; i < sectors.length; i++) {
            sectors[i] = sectorOfDataBlock(10 * i + 1);
            queries.add(new Locator.Query(dev, "integrity-checksum", sectors[i]));
        }
        List<Location> all = locator.locateAll(queries);
        for (int i = 0; i < sectors.length; i++) {
            assertThat(all.get(i).kind()).as(all.get(i).toString()).isEqualTo(Location.Kind.FILE);
            assertThat(all.get(i).fileOffset()).isEqualTo((10L * i + 1) * 4096);
        }
    }
}
