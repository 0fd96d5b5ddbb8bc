package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.dm.DmTableLine;
import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.dm.VerityTargetTable;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.VerityUevents;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.record.Uevent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dm-verity's units, translated by the whole locator with the real tools: an ext4 image (4 KiB
 * blocks, {@code mke2fs -d}) and its hash tree made by the real {@code veritysetup format} with
 * 1 KiB data blocks, so that a verity block number is not the filesystem block (block B of the
 * filesystem is verity blocks 4B…4B+3). A fake sysfs presents the data image as loop device 7:0 and
 * the hash image as 7:1, both held by the verity device 254:0 ("vdata", its table from the format's
 * output); the verity device's content is the data image (verity maps it 1:1). What the kernel
 * reports (docs/locate.md, measured in e2e/guest/locate.sh): the audit record names the data device
 * and a data block (verify-data, and verify-metadata for the data block whose hash block is bad), the
 * uevent names the verity device and a data block (type 0) or a hash-device block (type 1).
 * Expected blocks come from debugfs {@code bmap}, which the locator does not use.
 */
class VerityImageTest {
    @TempDir
    static Path dir;
    static Path image;
    static Path sys;
    static Path dev;
    static DmTableLine table;
    /** One per test: a shared one would meet its own rate limit (Locator.BURST batches, then one per 2 s). */
    Locator locator;
    static final DeviceNumber DATA = new DeviceNumber(7, 0);
    static final DeviceNumber VERITY = new DeviceNumber(254, 0);
    /** 1 KiB verity data blocks over 4 KiB filesystem blocks. */
    static final int VBS = 1024;

    @BeforeAll
    static void image() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mke2fs")) && Files.isExecutable(Path.of("/usr/sbin/debugfs")),
                "needs e2fsprogs (mke2fs, debugfs, dumpe2fs): apt-get install e2fsprogs");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/veritysetup")),
                "needs veritysetup (format works on image files, no root): apt-get install cryptsetup-bin");
        Path src = Files.createDirectories(dir.resolve("src"));
        FakeSysfs.testTree(src, 2);
        image = dir.resolve("data.img");
        Path hash = dir.resolve("hash.img");
        Ext4ImageTest.sh("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-d", src.toString(),
                image.toString(), "16M");
        String format = Ext4ImageTest.sh("/usr/sbin/veritysetup", "format", "--data-block-size", String.valueOf(VBS),
                image.toString(), hash.toString());
        long dataBlocks = Ext4ImageTest.number(format, "Data blocks:\\s+(\\d+)");
        assertThat(Ext4ImageTest.number(format, "Data block size:\\s+(\\d+)")).isEqualTo(VBS);
        int hashBlockSize = (int) Ext4ImageTest.number(format, "Hash block size:\\s+(\\d+)");
        String root = format.replaceAll("(?s).*Root hash:\\s+([0-9a-f]+).*", "$1");
        String salt = format.replaceAll("(?s).*Salt:\\s+([0-9a-f]+).*", "$1");
        // as dmsetup table shows what veritysetup open loads: hash type 1, hash start 1 (the superblock)
        table = new DmTableLine("vdata", 0, dataBlocks * VBS / 512, "verity", new VerityTargetTable(1,
                DATA.toString(), "7:1", VBS, hashBlockSize, dataBlocks, 1, "sha256", root, salt, List.of()));

        sys = dir.resolve("sys");
        FakeSysfs.device(sys, "loop0", DATA.toString(), null, null, "dm-0");
        FakeSysfs.device(sys, "loop1", "7:1", null, null, "dm-0");
        FakeSysfs.device(sys, "dm-0", VERITY.toString(), "vdata", "CRYPT-VERITY-x");
        dev = Files.createDirectories(dir.resolve("dev"));
        Files.createSymbolicLink(dev.resolve("loop0"), image);
        Files.createSymbolicLink(dev.resolve("loop1"), hash);
        Files.createSymbolicLink(dev.resolve("dm-0"), image); // verity: the data, verified
        Files.writeString(dir.resolve("mountinfo"), "");
    }

    @BeforeEach
    void locator() {
        locator = new Locator(sys, dev, dir.resolve("mountinfo"), d -> d.equals(VERITY) ? List.of(table) : List.of(),
                new ProcessCommandRunner(), Duration.ofSeconds(30), Clock.systemUTC());
    }

    /** @return the filesystem block of block 20 of the test file (debugfs bmap) */
    static long fileBlock20() throws Exception {
        String stat = Ext4ImageTest.sh("/usr/sbin/debugfs", "-R", "stat \"/dir with spaces/data file.bin\"", image.toString());
        long ino = Ext4ImageTest.number(stat, "Inode: (\\d+)");
        return Ext4ImageTest.number(Ext4ImageTest.sh("/usr/sbin/debugfs", "-R", "bmap <" + ino + "> 20",
                image.toString()), "(?m)^(\\d+)\\s*$");
    }

    static void assertFileBlock20(Location l, long fsBlock, int quarter) {
        assertThat(l.kind()).as(l.detail()).isEqualTo(Location.Kind.FILE);
        assertThat(l.filesystem()).isEqualTo("ext4");
        assertThat(l.paths()).containsExactlyInAnyOrder("/dir with spaces/data file.bin", "/other/hard link.bin");
        assertThat(l.fsBlock()).isEqualTo(fsBlock);
        assertThat(l.fileOffset()).isEqualTo(20L * 4096 + quarter * VBS);
        long sector = (fsBlock * 4 + quarter) * (VBS / 512);
        assertThat(l.chain()).extracting(Location.Step::device).containsExactly(DATA.toString(), VERITY.toString());
        assertThat(l.chain()).extracting(Location.Step::sector).containsExactly(sector, sector);
        assertThat(l.chain().get(1).target()).isEqualTo("verity");
    }

    @Test
    void theAuditRecordNamesTheDataDeviceAndADataBlock() throws Exception {
        long b = fileBlock20();
        // verify-data dev=7:0 sector=<data block>: the third 1 KiB block of filesystem block b
        assertFileBlock20(locator.locate(DATA, "verify-data", b * 4 + 2), b, 2);
        // verify-metadata names the data block as well (the one whose hash block is bad)
        assertFileBlock20(locator.locate(DATA, "verify-metadata", b * 4 + 3), b, 3);
    }

    @Test
    void theUeventNamesTheVerityDeviceAndADataOrHashBlock() throws Exception {
        long b = fileBlock20();
        assertFileBlock20(locator.locate(new Locator.Query(VERITY, "verify-data", b * 4 + 1, true)), b, 1);
        // DM_VERITY_ERR_BLOCK_NR=1,1: the first hash block after the superblock, on the hash device
        Location h = locator.locate(new Locator.Query(VERITY, "verify-metadata", 1, true));
        assertThat(h.kind()).isEqualTo(Location.Kind.OUTSIDE);
        assertThat(h.detail()).startsWith("verity_hash_tree");
        assertThat(h.chain()).extracting(Location.Step::device).containsExactly("7:1");
        // the same number as an audit record is a data block: a different answer, not the cache's
        Location asData = locator.locate(DATA, "verify-metadata", 1);
        assertThat(asData.kind()).isNotEqualTo(Location.Kind.OUTSIDE);
        assertThat(asData.chain()).extracting(Location.Step::sector).containsExactly(2L, 2L);
    }

    @Test
    void aPlainSectorOfTheVerityDeviceShowsTheDataDeviceBelow() throws Exception {
        long b = fileBlock20();
        Location l = locator.locate(VERITY, null, b * 8);
        assertThat(l.kind()).isEqualTo(Location.Kind.FILE);
        assertThat(l.fileOffset()).isEqualTo(20L * 4096);
        assertThat(l.chain()).extracting(Location.Step::device).containsExactly(DATA.toString(), VERITY.toString());
    }

    @Test
    void theSinkLocatesAVerityUeventEventAsTheUevent() throws Exception {
        long b = fileBlock20();
        Uevent u = new Uevent("change", "/devices/virtual/block/dm-0",
                List.of("ACTION", "DEVPATH", "SUBSYSTEM", "DM_VERITY_ERR_BLOCK_NR", "MAJOR", "MINOR"),
                List.of("change", "/devices/virtual/block/dm-0", "block", "0," + (b * 4), "254", "0"));
        Event e = VerityUevents.from(u, 1_700_000_000_000L);
        List<Event> got = new ArrayList<>();
        Sink capture = got::add;
        LocatingSink sink = new LocatingSink(locator, capture, 16);
        sink.accept(e);
        sink.endOfBurst();
        assertThat(got).hasSize(1);
        assertFileBlock20(got.get(0).location(), b, 0);
    }
}
