package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.record.DeviceNumber;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ext4 with a damaged inode table, with the real e2fsprogs: an image made by {@code mke2fs -d}
 * (metadata_csum, the default) with one sector of the inode table overwritten, the sector holding
 * {@code /other/f20}'s inode. {@code debugfs icheck} then stops at the first inode whose checksum
 * fails ("Inode checksum does not match inode while doing inode scan", as on the real kernel it
 * stops at an unreadable block: "Can't read next inode", src/test/resources/locate/integrity-ext4/
 * icheck-broken-itable.txt), so no block gets an owner. What can still be said soundly: a block the
 * block bitmap marks free is free (testb does not scan inodes), the inode-table sector is the
 * inode table with its inodes (the layout), and an allocated data block is unknown with the reason.
 */
class Ext4DamagedImageTest {
    @TempDir
    static Path dir;
    static Path image;
    static Locator locator;
    static final DeviceNumber DEV = new DeviceNumber(7, 0);
    static long fileBlock;
    static long freeBlock;
    static long damagedSector;
    static long damagedIno;

    @BeforeAll
    static void image() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mke2fs")) && Files.isExecutable(Path.of("/usr/sbin/debugfs")),
                "needs e2fsprogs (mke2fs, debugfs, dumpe2fs): apt-get install e2fsprogs");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path other = Files.createDirectories(src.resolve("other"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(other.resolve("f" + i), "small " + i);
        }
        byte[] data = new byte[64 * 4096];
        new java.util.Random(3).nextBytes(data);
        Path file = Files.write(dir.resolve("data.bin"), data);
        image = dir.resolve("img.ext4");
        Ext4ImageTest.sh("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-d", src.toString(),
                image.toString(), "16M");
        String img = image.toString();
        // written last, so its inode comes after the damaged one: icheck stops when it has found every
        // block asked for, and would find this one before reaching the damage otherwise
        Ext4ImageTest.sh("/usr/sbin/debugfs", "-w", "-R", "write \"" + file + "\" \"data file.bin\"", img);
        long ino = Ext4ImageTest.number(Ext4ImageTest.sh("/usr/sbin/debugfs", "-R", "stat \"/data file.bin\"", img),
                "Inode: (\\d+)");
        fileBlock = Ext4ImageTest.number(Ext4ImageTest.sh("/usr/sbin/debugfs", "-R", "bmap <" + ino + "> 20", img),
                "(?m)^(\\d+)\\s*$");
        String free = Ext4ImageTest.sh("/usr/sbin/dumpe2fs", img);
        freeBlock = Ext4ImageTest.number(free, "Free blocks: \\d+-(\\d+)");
        damagedIno = Ext4ImageTest.number(Ext4ImageTest.sh("/usr/sbin/debugfs", "-R", "stat /other/f20", img),
                "Inode: (\\d+)");
        String imap = Ext4ImageTest.sh("/usr/sbin/debugfs", "-R", "imap <" + damagedIno + ">", img);
        damagedSector = Ext4ImageTest.number(imap, "located at block (\\d+)") * 8
                + Ext4ImageTest.number(imap, "offset (0x[0-9a-f]+)") / 512;
        assertThat(damagedIno).isLessThan(ino);
        // the damage: the sector's bytes replaced (both inodes in it fail their checksum)
        byte[] junk = new byte[512];
        new java.util.Random(4).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.seek(damagedSector * 512);
            f.write(junk);
        }
        // the premise: icheck no longer answers on this image
        String icheck = Ext4ImageTest.sh("/usr/sbin/debugfs", "-R", "icheck " + fileBlock, img);
        assertThat(icheck).contains("while doing inode scan");

        Path sys = dir.resolve("sys");
        FakeSysfs.device(sys, "img.ext4", "7:0", null, null);
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), "");
        locator = new Locator(sys, dir, mountinfo, d -> List.of(), new ProcessCommandRunner(), Duration.ofSeconds(30),
                Clock.systemUTC());
    }

    @Test
    void freeStaysFreeTheInodeTableIsPlacedAndAFileBlockIsUnknownWithTheReason() {
        List<Location> ls = locator.locateAll(List.of(new Locator.Query(DEV, null, freeBlock * 8),
                new Locator.Query(DEV, null, damagedSector), new Locator.Query(DEV, null, fileBlock * 8)));
        // the block bitmap is intact: free without the inode scan
        assertThat(ls.get(0).kind()).as(ls.get(0).detail()).isEqualTo(Location.Kind.FREE);
        assertThat(ls.get(0).fsBlock()).isEqualTo(freeBlock);
        // the damaged sector itself, from the layout: its inodes, the damaged one among them
        assertThat(ls.get(1).kind()).isEqualTo(Location.Kind.METADATA);
        assertThat(ls.get(1).detail()).isEqualTo("inode_table");
        assertThat(ls.get(1).inodes()).contains(damagedIno);
        // an allocated block: its owner may be an inode that cannot be read: not guessed
        assertThat(ls.get(2).kind()).isEqualTo(Location.Kind.UNKNOWN);
        assertThat(ls.get(2).fsBlock()).isEqualTo(fileBlock);
        assertThat(ls.get(2).detail()).startsWith("allocated; its owner was not found")
                .contains("Inode checksum does not match inode while doing inode scan");
    }
}
