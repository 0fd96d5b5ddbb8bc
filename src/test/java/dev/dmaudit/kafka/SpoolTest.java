package dev.dmaudit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmaudit.sink.DiskSpool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's order, bounds and files, without a broker. */
@org.junit.jupiter.api.Tag("kafka")
class SpoolTest {
    @TempDir
    Path dir;

    private static Spooled rec(int i) {
        return new Spooled("id-" + i, "dm_data", ("k" + i % 4).getBytes(StandardCharsets.US_ASCII),
                ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 300) + "\"}").getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> drain(Spool s) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        Spooled r;
        while ((r = s.peek(0)) != null) {
            ids.add(r.id());
            s.removeHead();
        }
        return ids;
    }

    private static List<String> ids(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add("id-" + i);
        }
        return l;
    }

    @Test
    void memoryOnlyRefusesBeyondItsCapAndKeepsTheOrder() throws Exception {
        Spool s = new Spool(100, 1 << 20, null);
        int kept = 0;
        for (int i = 0; i < 250; i++) {
            kept += s.offer(rec(i)) ? 1 : 0;
        }
        assertThat(kept).isEqualTo(100);
        assertThat(drain(s)).isEqualTo(ids(0, 100));
    }

    @Test
    void overflowGoesToDiskInOrderAndSurvivesAReopen() throws Exception {
        Path d = dir.resolve("spool");
        Spool s = new Spool(50, 1 << 20, new DiskSpool<>("kafka", d, 64 << 20, Spooled.CODEC));
        for (int i = 0; i < 5000; i++) {
            assertThat(s.offer(rec(i))).isTrue();
        }
        assertThat(s.size()).isEqualTo(5000);
        // Take 20 as the sender would; 10 of them "unacknowledged" at close go back first.
        List<Spooled> unacked = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Spooled r = s.peek(0);
            if (i >= 10) {
                unacked.add(r);
            }
            s.removeHead();
        }
        assertThat(s.saveForNextRun(unacked)).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
        try (Stream<Path> l = Files.list(d)) {
            for (Path f : l.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
            }
        }
        Spool again = new Spool(50, 1 << 20, new DiskSpool<>("kafka", d, 64 << 20, Spooled.CODEC));
        assertThat(again.size()).isEqualTo(4990);
        assertThat(again.offer(rec(5000))).isTrue(); // after the old ones, on disk
        assertThat(drain(again)).isEqualTo(ids(10, 5001));
        try (Stream<Path> l = Files.list(d)) {
            assertThat(l.toList()).isEmpty();
        }
    }

    @Test
    void diskCapIsABoundAndATornRecordKeepsTheWholeOnes() throws Exception {
        Path d = dir.resolve("capped");
        Spool s = new Spool(10, 1 << 20, new DiskSpool<>("kafka", d, 20_000, Spooled.CODEC));
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            if (s.offer(rec(i))) {
                kept.add("id-" + i);
            }
        }
        assertThat(kept.size()).isBetween(11, 999);
        long onDisk;
        try (Stream<Path> l = Files.list(d)) {
            onDisk = l.mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(onDisk).isLessThanOrEqualTo(20_000);
        assertThat(s.saveForNextRun(List.of())).isZero();
        Path seg;
        try (Stream<Path> l = Files.list(d)) {
            seg = l.sorted().reduce((a, b) -> b).orElseThrow();
        }
        byte[] b = Files.readAllBytes(seg);
        Files.write(seg, java.util.Arrays.copyOf(b, b.length - 5)); // the last record torn
        Spool again = new Spool(10, 1 << 20, new DiskSpool<>("kafka", d, 20_000, Spooled.CODEC));
        assertThat(drain(again)).isEqualTo(kept.subList(0, kept.size() - 1));
    }

    @Test
    void aDirectoryOthersCanWriteIsRefused() throws IOException {
        Path d = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new DiskSpool<>("kafka", d, 1 << 20, Spooled.CODEC)).isInstanceOf(IOException.class).hasMessageContaining("writable by group or others");
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.dmaudit.os.TrustedPath.effectiveUid() == 0,
                "needs root to give the directory to another uid");
        Path d = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(d, "unix:uid", 4242);
        assertThatThrownBy(() -> new DiskSpool<>("kafka", d, 1 << 20, Spooled.CODEC)).isInstanceOf(IOException.class).hasMessageContaining("owned by uid 4242");
    }
}
