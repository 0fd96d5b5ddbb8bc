package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole locator with the real e2fsprogs on a real ext4 image (made by {@code mke2fs -d}, no
 * kernel needed), presented as device 7:0 through a fake sysfs: file data with every hard link and
 * the byte offset, the inode table with the inodes of the sector, free space, the superblock, the
 * journal, past the end. Expected blocks come from debugfs {@code bmap}/{@code imap}, commands the
 * locator does not use. The real kernel stack is covered by e2e/guest/locate.sh.
 */
class Ext4ImageTest {
    @TempDir
    static Path dir;
    static Path image;
    static Locator locator;
    static final DeviceNumber DEV = new DeviceNumber(7, 0);
    /** More owning inodes than one icheck/ncheck command line takes (debugfs's line buffer). */
    static final int MANY = 300;

    static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
        return out;
    }

    @BeforeAll
    static void image() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mke2fs")) && Files.isExecutable(Path.of("/usr/sbin/debugfs")),
                "needs e2fsprogs (mke2fs, debugfs, dumpe2fs): apt-get install e2fsprogs");
        Path src = Files.createDirectories(dir.resolve("src"));
        FakeSysfs.testTree(src, 1);
        Path many = Files.createDirectories(src.resolve("many"));
        for (int i = 0; i < MANY; i++) {
            Files.writeString(many.resolve("m" + i), "one block " + i);
        }
        image = dir.resolve("img.ext4");
        sh("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-d", src.toString(), image.toString(), "32M");
        // fake sysfs: /sys/dev/block/7:0 -> a device "img.ext4" with no holders; /dev/img.ext4 = the image
        Path sys = dir.resolve("sys");
        FakeSysfs.device(sys, "img.ext4", "7:0", null, null);
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), "");
        locator = new Locator(sys, dir, mountinfo, d -> List.of(), new ProcessCommandRunner(), Duration.ofSeconds(30),
                Clock.systemUTC());
    }

    static long number(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return Long.decode(m.group(1));
    }

    long ino(String path) throws Exception {
        return number(sh("/usr/sbin/debugfs", "-R", "stat \"" + path + "\"", image.toString()), "Inode: (\\d+)");
    }

    @Test
    void fileDataWithEveryPathAndTheOffset() throws Exception {
        long ino = ino("/dir with spaces/data file.bin");
        long block = number(sh("/usr/sbin/debugfs", "-R", "bmap <" + ino + "> 20", image.toString()), "(?m)^(\\d+)\\s*$");
        long sector = block * 8 + 3; // the fourth sector of block 20
        Location l = locator.locate(DEV, null, sector);
        assertThat(l.kind()).isEqualTo(Location.Kind.FILE);
        assertThat(l.filesystem()).isEqualTo("ext4");
        assertThat(l.paths()).containsExactlyInAnyOrder("/dir with spaces/data file.bin", "/other/hard link.bin");
        assertThat(l.inode()).isEqualTo(ino);
        assertThat(l.fileOffset()).isEqualTo(20L * 4096 + 3 * 512);
        assertThat(l.fsBlock()).isEqualTo(block);
        assertThat(l.mountPoint()).isNull();
        assertThat(l.chain()).extracting(Location.Step::sector).containsExactly(sector);
    }

    @Test
    void inodeTableSectorNamesItsInodesAndTheirPaths() throws Exception {
        long ino = ino("/other/f20");
        String imap = sh("/usr/sbin/debugfs", "-R", "imap <" + ino + ">", image.toString());
        long sector = number(imap, "located at block (\\d+)") * 8 + number(imap, "offset (0x[0-9a-f]+)") / 512;
        Location l = locator.locate(DEV, null, sector);
        assertThat(l.kind()).isEqualTo(Location.Kind.METADATA);
        assertThat(l.detail()).isEqualTo("inode_table");
        assertThat(l.inodes()).contains(ino).hasSize(2); // 256-byte inodes: two per sector
        assertThat(l.paths()).contains("/other/f20");
    }

    @Test
    void freeSuperblockJournalAndPastTheEnd() throws Exception {
        String free = sh("/usr/sbin/dumpe2fs", image.toString());
        long lastFree = number(free, "Free blocks: \\d+-(\\d+)\\s*$".replace("$", "")) ;
        List<Locator.Query> qs = new ArrayList<>();
        qs.add(new Locator.Query(DEV, null, lastFree * 8));
        qs.add(new Locator.Query(DEV, null, 2)); // block 0: the superblock sits at byte 1024
        long journalBlock = number(sh("/usr/sbin/debugfs", "-R", "bmap <8> 5", image.toString()), "(?m)^(\\d+)\\s*$");
        qs.add(new Locator.Query(DEV, null, journalBlock * 8));
        qs.add(new Locator.Query(DEV, null, 32L * 1024 * 1024 / 512 + 8));
        long before = locator.toolRuns();
        List<Location> ls = locator.locateAll(qs);
        assertThat(ls.get(0).kind()).isEqualTo(Location.Kind.FREE);
        assertThat(ls.get(1).kind()).isEqualTo(Location.Kind.METADATA);
        assertThat(ls.get(1).detail()).isEqualTo("superblock");
        assertThat(ls.get(2).detail()).isEqualTo("journal");
        assertThat(ls.get(3).kind()).isEqualTo(Location.Kind.OUTSIDE);
        // one burst, one filesystem: at most dumpe2fs + two debugfs, whatever the number of sectors
        assertThat(locator.toolRuns() - before).isLessThanOrEqualTo(3);
    }

    @Test
    void aSecondAskIsAnsweredFromTheCacheUntilInvalidated() throws Exception {
        long ino = ino("/dir with spaces/data file.bin");
        long block = number(sh("/usr/sbin/debugfs", "-R", "bmap <" + ino + "> 7", image.toString()), "(?m)^(\\d+)\\s*$");
        Location first = locator.locate(DEV, null, block * 8);
        long runs = locator.toolRuns();
        assertThat(locator.locate(DEV, null, block * 8)).isEqualTo(first);
        assertThat(locator.toolRuns()).isEqualTo(runs);
        locator.invalidate();
        assertThat(locator.locate(DEV, null, block * 8)).isEqualTo(first);
        assertThat(locator.toolRuns()).isGreaterThan(runs);
    }

    @Test
    void aBurstOverHundredsOfFilesNamesEveryOneWithFewRuns() {
        List<Locator.Query> qs = new ArrayList<>();
        for (long block = 0; block < 32L * 1024 * 1024 / 4096; block++) {
            qs.add(new Locator.Query(DEV, null, block * 8));
        }
        Locator fresh = new Locator(dir.resolve("sys"), dir, dir.resolve("mountinfo"), d -> List.of(),
                new ProcessCommandRunner(), Duration.ofSeconds(30), Clock.systemUTC());
        List<Location> first = fresh.locateAll(qs); // 8192 sectors: the first MAX_PER_CALL are placed
        assertThat(first.subList(Locator.MAX_PER_CALL, qs.size()))
                .allMatch(l -> l.detail().startsWith("more than " + Locator.MAX_PER_CALL));
        List<Location> all = new ArrayList<>(first.subList(0, Locator.MAX_PER_CALL));
        all.addAll(fresh.locateAll(qs.subList(Locator.MAX_PER_CALL, qs.size())));
        java.util.Set<String> named = new java.util.HashSet<>();
        for (Location l : all) {
            if (l.kind() == Location.Kind.FILE && l.paths().size() == 1 && l.paths().get(0).startsWith("/many/")) {
                assertThat(l.fileOffset()).isZero();
                named.add(l.paths().get(0));
            }
        }
        assertThat(named).hasSize(MANY);
        assertThat(all).noneMatch(l -> l.kind() == Location.Kind.UNKNOWN);
        assertThat(fresh.toolRuns()).isLessThanOrEqualTo(5); // dumpe2fs once, two debugfs per call
    }

    @Test
    void decodeLocatesDataEventsInOrderAndForgetsOnATableChange() throws Exception {
        long ino = ino("/dir with spaces/data file.bin");
        long block = number(sh("/usr/sbin/debugfs", "-R", "bmap <" + ino + "> 9", image.toString()), "(?m)^(\\d+)\\s*$");
        String data = "type=UNKNOWN[1339] msg=audit(1700000000.100:%d): module=integrity op=integrity-checksum dev=7:0 sector=%d res=0\n";
        String ctr = "type=UNKNOWN[1338] msg=audit(1700000000.200:20): module=integrity op=ctr ppid=1 pid=2 auid=0 uid=0"
                + " gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"dmsetup\""
                + " exe=\"/usr/sbin/dmsetup\" subj=unconfined dev=254:9 error_msg='success' res=1\n"
                + "type=EOE msg=audit(1700000000.200:20): \n";
        String log = String.format(data, 10, block * 8) + String.format(data, 11, 2L) + ctr + String.format(data, 30, block * 8);
        Locator l = new Locator(dir.resolve("sys"), dir, dir.resolve("mountinfo"), d -> List.of(),
                new ProcessCommandRunner(), Duration.ofSeconds(30), Clock.systemUTC());
        List<dev.dmaudit.event.Event> got = new ArrayList<>();
        dev.dmaudit.event.Sink capture = got::add;
        new dev.dmaudit.api.AuditLogDecoder(dev.dmaudit.event.EventPipeline.builder(),
                List.of(new LocatingSink(l, capture, 1024)), 1 << 20)
                .decode(new java.io.ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)), (n, why) -> { });
        assertThat(got).extracting(e -> e.audit().serial()).containsExactly(10L, 11L, 20L, 30L);
        assertThat(got.get(0).location().kind()).isEqualTo(Location.Kind.FILE);
        assertThat(got.get(0).location().fileOffset()).isEqualTo(9L * 4096);
        assertThat(got.get(1).location().detail()).isEqualTo("superblock");
        assertThat(got.get(2).location()).isNull(); // a control event has no sector
        assertThat(got.get(3).location()).isEqualTo(got.get(0).location());
        // the same sector after the ctr was looked up again, not taken from the cache
        assertThat(l.cacheHits()).isZero();
        assertThat(l.cacheMisses()).isEqualTo(3);
    }

    @Test
    void noSectorNoLocation() {
        Location l = locator.locate(DEV, "mac-superblock", -1);
        assertThat(l.kind()).isEqualTo(Location.Kind.UNKNOWN);
        assertThat(l.detail()).startsWith("no sector");
    }
}
