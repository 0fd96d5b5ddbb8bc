package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole locator with the real xfsprogs on unmounted XFS images (no kernel, no mount): one made
 * without a reverse map ({@code mkfs.xfs -m rmapbt=0}), one with ({@code rmapbt=1}), both populated
 * at mkfs time from a prototype file. A protofile cannot hold spaces in names nor hard links, so
 * after mkfs {@code xfs_db -x} renames two entries (same length) and points a third at the data
 * file's inode (link count 2): a real hard link, plus one disconnected inode (the one the entry
 * named before), which is what a damaged filesystem looks like to {@code blockget} anyway.
 *
 * <p>Expected answers come from elsewhere than the locator: the data block by searching the image
 * for the file's bytes, inode numbers from {@code ls -i} (path lookup) before the renames, the
 * inode slot from {@code convert inode I daddr}, free space from {@code freesp -d}, the log from
 * the superblock. The mounted cases are XfsMountedTest (rmapbt=0, FIEMAP) and e2e/guest/locate.sh.
 */
class XfsImageTest {
    @TempDir
    static Path dir;
    static final DeviceNumber DEV = new DeviceNumber(7, 0);
    static final int BLOCKS = 64;
    static final int MANY = 300;
    static final long SIZE = 320L * 1024 * 1024; // mkfs.xfs wants at least 300 MB (a sparse file)
    static byte[] data;
    static final long[] dataIno = new long[2];
    static final long[] f0Ino = new long[2];
    static long manyIno;
    static long orphanIno;
    static final Path[] images = new Path[2];
    static final Locator[] locators = new Locator[2];

    static String sh(String... argv) throws IOException, InterruptedException {
        return Ext4ImageTest.sh(argv);
    }

    static String db(Path image, String... cmds) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("/usr/sbin/xfs_db", "-r"));
        for (String c : cmds) {
            argv.add("-c");
            argv.add(c);
        }
        argv.add(image.toString());
        return sh(argv.toArray(String[]::new));
    }

    static long number(String text, String regex) {
        return Ext4ImageTest.number(text, regex);
    }

    @BeforeAll
    static void images() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs")) && Files.isExecutable(Path.of("/usr/sbin/xfs_db")),
                "needs xfsprogs (mkfs.xfs, xfs_db): tools/ensure-test-deps installs it");
        Path src = Files.createDirectories(dir.resolve("src"));
        data = new byte[BLOCKS * 4096];
        new java.util.Random(1).nextBytes(data);
        Files.write(src.resolve("data"), data);
        Files.writeString(src.resolve("small"), "small\n");
        StringBuilder proto = new StringBuilder("/dev/null\n0 0\nd--755 0 0\n");
        proto.append("dirXwithXspaces d--755 0 0\n")
                .append("dataXfile.bin ---644 0 0 ").append(src.resolve("data")).append("\n$\n")
                .append("other d--755 0 0\n")
                .append("hardXlink.bin ---644 0 0 ").append(src.resolve("small")).append('\n')
                .append("f0 ---644 0 0 ").append(src.resolve("small")).append("\n$\n")
                .append("many d--755 0 0\n");
        for (int i = 0; i < MANY; i++) {
            Path f = Files.writeString(src.resolve("m" + i), "one block " + i + "\n");
            proto.append("m").append(i).append(" ---644 0 0 ").append(f).append('\n');
        }
        proto.append("$\n$\n");
        Path protofile = Files.writeString(dir.resolve("proto"), proto.toString());
        // fake sysfs: 7:0 and 7:1 are the two images, no holders
        Path sys = dir.resolve("sys");
        Files.createDirectories(sys.resolve("dev/block"));
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), "");
        for (int rmap = 0; rmap < 2; rmap++) {
            Path image = dir.resolve("img" + rmap + ".xfs");
            try (FileChannel c = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                c.truncate(SIZE);
                c.write(ByteBuffer.wrap(new byte[1]), SIZE - 1);
            }
            sh("/usr/sbin/mkfs.xfs", "-q", "-m", "rmapbt=" + rmap, "-p", protofile.toString(), image.toString());
            long d = number(db(image, "ls -i /dirXwithXspaces/dataXfile.bin"), "(\\d+)");
            f0Ino[rmap] = number(db(image, "ls -i /other/f0"), "(\\d+)");
            manyIno = number(db(image, "ls -i /many"), "(\\d+)");
            orphanIno = number(db(image, "ls -i /other/hardXlink.bin"), "(\\d+)");
            long dirIno = number(db(image, "ls -i /dirXwithXspaces"), "(\\d+)");
            long otherIno = number(db(image, "ls -i /other"), "(\\d+)");
            String root = db(image, "inode 128", "print u3");
            String other = db(image, "inode " + otherIno, "print u3");
            int spaced = entryIndex(root, "dirXwithXspaces");
            int link = entryIndex(other, "hardXlink.bin");
            sh("/usr/sbin/xfs_db", "-x",
                    "-c", "inode 128", "-c", "write u3.sfdir3.list[" + spaced + "].name \"dir with spaces\"",
                    "-c", "inode " + dirIno, "-c", "write u3.sfdir3.list[0].name \"data file.bin\"",
                    "-c", "inode " + otherIno, "-c", "write u3.sfdir3.list[" + link + "].name \"hard link.bin\"",
                    "-c", "write u3.sfdir3.list[" + link + "].inumber.i4 " + d,
                    "-c", "inode " + d, "-c", "write core.nlinkv2 2", image.toString());
            dataIno[rmap] = d;
            images[rmap] = image;
            String name = "img" + rmap + ".xfs";
            Path devdir = Files.createDirectories(sys.resolve("devices/" + name));
            Files.writeString(devdir.resolve("dev"), "7:" + rmap + "\n");
            Files.createDirectories(devdir.resolve("holders"));
            Files.createSymbolicLink(sys.resolve("dev/block/7:" + rmap), devdir);
            locators[rmap] = new Locator(sys, dir, mountinfo, x -> List.of(), new ProcessCommandRunner(),
                    Duration.ofSeconds(60), Clock.systemUTC());
        }
    }

    static int entryIndex(String u3, String name) {
        return (int) number(u3, "list\\[(\\d+)\\]\\.name = \"" + Pattern.quote(name) + "\"");
    }

    /** @return the 512-byte sector of the image where the file's block {@code n} is (searched by content) */
    static long sectorOfDataBlock(Path image, int n) throws IOException {
        return sectorOfBlock(image, SIZE, data, n);
    }

    /**
     * @return the 512-byte sector of {@code image} ({@code size} bytes) holding the 4 KiB block
     * {@code n} of {@code content}, found by searching the image for its bytes (once, 4 KiB aligned)
     */
    static long sectorOfBlock(Path image, long size, byte[] content, int n) throws IOException {
        byte[] want = Arrays.copyOfRange(content, n * 4096, (n + 1) * 4096);
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long found = -1;
        try (FileChannel c = FileChannel.open(image)) {
            for (long pos = 0; pos < size; pos += 4096) {
                buf.clear();
                c.read(buf, pos);
                if (Arrays.equals(buf.array(), want)) {
                    assertThat(found).as("the block's bytes are in the image once").isEqualTo(-1);
                    found = pos / 512;
                }
            }
        }
        assertThat(found).isNotNegative();
        return found;
    }

    static DeviceNumber dev(int rmap) {
        return new DeviceNumber(7, rmap);
    }

    @ParameterizedTest(name = "rmapbt={0}")
    @ValueSource(ints = {0, 1})
    void fileDataWithEveryHardLinkAndTheOffset(int rmap) throws Exception {
        long sector = sectorOfDataBlock(images[rmap], 20) + 3; // the fourth sector of block 20
        Location l = locators[rmap].locate(dev(rmap), null, sector);
        assertThat(l.kind()).as(l.toString()).isEqualTo(Location.Kind.FILE);
        assertThat(l.filesystem()).isEqualTo("xfs");
        assertThat(l.paths()).containsExactlyInAnyOrder("/dir with spaces/data file.bin", "/other/hard link.bin");
        assertThat(l.inode()).isEqualTo(dataIno[rmap]);
        assertThat(l.fileOffset()).isEqualTo(20L * 4096 + 3 * 512);
        assertThat(l.fsBlock()).isEqualTo(sector / 8);
        assertThat(l.mountPoint()).isNull();
        assertThat(l.detail()).isEqualTo("regular");
    }

    @ParameterizedTest(name = "rmapbt={0}")
    @ValueSource(ints = {0, 1})
    void inodeSlotNamesItsInodeAndPath(int rmap) throws Exception {
        long sector = number(db(images[rmap], "convert inode " + f0Ino[rmap] + " daddr"), "\\((\\d+)\\)");
        Location l = locators[rmap].locate(dev(rmap), null, sector);
        assertThat(l.kind()).as(l.toString()).isEqualTo(Location.Kind.METADATA);
        assertThat(l.detail()).isEqualTo("inode_table");
        assertThat(l.inodes()).containsExactly(f0Ino[rmap]); // 512-byte inodes: one per sector
        assertThat(l.paths()).containsExactly("/other/f0");
    }

    @Test
    void headersBtreesLogFreeAndPastTheEndInOneBurst() throws Exception {
        Path image = images[0];
        long agblocks = number(db(image, "sb 0", "print agblocks"), "agblocks = (\\d+)");
        long logDaddr = number(db(image, "sb 0", "print logstart", "convert fsblock "
                + number(db(image, "sb 0", "print logstart"), "logstart = (\\d+)") + " daddr"), "\\((\\d+)\\)");
        Matcher free = Pattern.compile("(?m)^\\s+3\\s+(\\d+)\\s+(\\d+)\\s*$").matcher(db(image, "freesp -d -a 3"));
        long freeSector = -1;
        while (free.find()) {
            if (Long.parseLong(free.group(2)) > 100) {
                freeSector = (3 * agblocks + Long.parseLong(free.group(1)) + 50) * 8;
            }
        }
        assertThat(freeSector).isPositive();
        List<Locator.Query> qs = new ArrayList<>();
        for (long s : new long[] {0, 1, 2, 3, agblocks * 8, agblocks * 8 + 1, logDaddr + 9, freeSector,
                SIZE / 512 + 8}) {
            qs.add(new Locator.Query(dev(0), null, s));
        }
        Locator fresh = new Locator(dir.resolve("sys"), dir, dir.resolve("mountinfo"), x -> List.of(),
                new ProcessCommandRunner(), Duration.ofSeconds(60), Clock.systemUTC());
        List<Location> ls = fresh.locateAll(qs);
        assertThat(ls).extracting(Location::detail).containsExactly("superblock", "agf", "agi", "agfl",
                "superblock", "agf", "log", "free", ls.get(8).detail());
        assertThat(ls.get(7).kind()).isEqualTo(Location.Kind.FREE);
        assertThat(ls.get(6).kind()).isEqualTo(Location.Kind.METADATA);
        assertThat(ls.get(8).kind()).isEqualTo(Location.Kind.OUTSIDE);
        // geometry + one blockget, no path wanted: no walk
        assertThat(fresh.toolRuns()).isEqualTo(2);
    }

    @Test
    void directoryBlocksAndEveryFileOfABurstWithFewRuns() throws Exception {
        Path image = images[0];
        long agblocks = number(db(image, "sb 0", "print agblocks"), "agblocks = (\\d+)");
        Matcher dirBlock = Pattern.compile("(?m)^data offset \\d+ startblock \\d+ \\((\\d+)/(\\d+)\\)")
                .matcher(db(image, "inode " + manyIno, "bmap"));
        assertThat(dirBlock.find()).isTrue();
        long dirSector = (Long.parseLong(dirBlock.group(1)) * agblocks + Long.parseLong(dirBlock.group(2))) * 8;
        List<Locator.Query> qs = new ArrayList<>();
        qs.add(new Locator.Query(dev(0), null, dirSector));
        long ag = Long.parseLong(dirBlock.group(1)); // mkfs puts each directory's files in one AG
        for (long block = ag * agblocks; qs.size() < Locator.MAX_PER_CALL; block++) {
            qs.add(new Locator.Query(dev(0), null, block * 8));
        }
        Locator fresh = new Locator(dir.resolve("sys"), dir, dir.resolve("mountinfo"), x -> List.of(),
                new ProcessCommandRunner(), Duration.ofSeconds(60), Clock.systemUTC());
        List<Location> all = fresh.locateAll(qs);
        assertThat(all.get(0).kind()).isEqualTo(Location.Kind.METADATA);
        assertThat(all.get(0).detail()).isEqualTo("directory");
        assertThat(all.get(0).paths()).containsExactly("/many");
        Set<String> named = new HashSet<>();
        for (Location l : all) {
            if (l.kind() == Location.Kind.FILE && l.paths().size() == 1 && l.paths().get(0).startsWith("/many/m")) {
                assertThat(l.fileOffset()).isZero();
                named.add(l.paths().get(0));
            }
        }
        assertThat(named).hasSize(MANY);
        assertThat(all).noneMatch(l -> l.kind() == Location.Kind.UNKNOWN && !l.detail().contains(" " + orphanIno));
        // geometry, blockget, bmaps + root listing, one listing per further tree level (two)
        assertThat(fresh.toolRuns()).isLessThanOrEqualTo(4);
    }

    @Test
    void aDirtyLogIsSaidNotGuessed() throws Exception {
        // xfs_db's refusal as the e2e VM printed it on a mounted XFS (captures/integrity-xfs): an
        // unmounted image here has a clean log, so only that run of blockget is replaced
        String refusal;
        try (java.io.InputStream in = getClass().getResourceAsStream("/locate/integrity-xfs/xfsdb-blockuse.txt")) {
            refusal = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ProcessCommandRunner real = new ProcessCommandRunner();
        dev.dmaudit.dm.CommandRunner dirty = (argv, t) -> argv.contains("blockget")
                ? new dev.dmaudit.dm.CommandResult(argv, 0, refusal, "", false, false) : real.run(argv, t);
        Locator l = new Locator(dir.resolve("sys"), dir, dir.resolve("mountinfo"), x -> List.of(), dirty,
                Duration.ofSeconds(60), Clock.systemUTC());
        long sector = sectorOfDataBlock(images[0], 20);
        Location loc = l.locate(dev(0), null, sector);
        assertThat(loc.kind()).isEqualTo(Location.Kind.UNKNOWN);
        assertThat(loc.detail()).startsWith("xfs_db refused: the log holds changes not yet written back");
        assertThat(loc.fsBlock()).isEqualTo(sector / 8);
        assertThat(loc.paths()).isEmpty();
    }

    @Test
    void aNameCannotPoseAsAnotherEntry() {
        // ls prints each name after its length: a name holding a newline and a fake entry stays one name
        String name = "x (good)\n16         99                 regular        0x1   4 evil";
        int len = name.getBytes(StandardCharsets.UTF_8).length;
        String out = "@@ls 128 \n12         131                regular        0x2  " + len + " " + name + " (good)\n"
                + "14         132                regular        0x3   2 ok (good)\n";
        XfsDb.Listing l = XfsDb.ls(out, 0);
        assertThat(l.complete()).isTrue();
        assertThat(l.entries()).extracting(XfsDb.Entry::inode).containsExactly(131L, 132L);
        assertThat(l.entries().get(0).name()).isEqualTo(name);
        // a length that does not match stops the reading: nothing after it is trusted
        XfsDb.Listing cut = XfsDb.ls(out.replace("0x2  " + len, "0x2  5"), 0);
        assertThat(cut.complete()).isFalse();
        assertThat(cut.entries()).isEmpty();
    }
}
