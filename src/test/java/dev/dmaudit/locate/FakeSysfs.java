package dev.dmaudit.locate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixtures shared by the locate tests: a sysfs tree as the kernel lays it out, the test files. */
final class FakeSysfs {
    private FakeSysfs() {
    }

    /**
     * A block device as sysfs shows it: {@code devices/KNAME/{dev,holders/,dm/name,dm/uuid}} and
     * {@code dev/block/MAJ:MIN} linking to it.
     *
     * @param sys     the fake /sys
     * @param kname   kernel name (loop0, dm-3)
     * @param num     MAJ:MIN
     * @param dmName  the dm name, or null for a device that is not a dm device
     * @param uuid    the dm uuid, or null
     * @param holders kernel names of the devices stacked on it
     */
    static void device(Path sys, String kname, String num, String dmName, String uuid, String... holders)
            throws IOException {
        Path d = Files.createDirectories(sys.resolve("devices").resolve(kname));
        Files.writeString(d.resolve("dev"), num + "\n");
        Files.createDirectories(d.resolve("holders"));
        if (dmName != null) {
            Files.createDirectories(d.resolve("dm"));
            Files.writeString(d.resolve("dm/name"), dmName + "\n");
            Files.writeString(d.resolve("dm/uuid"), (uuid == null ? "" : uuid) + "\n");
        }
        for (String h : holders) {
            Files.createSymbolicLink(d.resolve("holders").resolve(h), sys.resolve("devices").resolve(h));
        }
        Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(sys.resolve("dev/block").resolve(num), d);
    }

    /**
     * The files of e2e/guest/locate.sh: {@code other/f0…f39} (small), {@code dir with spaces/data
     * file.bin} (64 blocks of 4 KiB, random) hard linked as {@code other/hard link.bin}.
     *
     * @param src  the directory to fill (mke2fs -d takes it)
     * @param seed the random seed of the file's content
     */
    static void testTree(Path src, long seed) throws IOException {
        Path other = Files.createDirectories(src.resolve("other"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(other.resolve("f" + i), "small " + i);
        }
        Path spaced = Files.createDirectories(src.resolve("dir with spaces"));
        byte[] data = new byte[64 * 4096];
        new java.util.Random(seed).nextBytes(data);
        Files.write(spaced.resolve("data file.bin"), data);
        Files.createLink(other.resolve("hard link.bin"), spaced.resolve("data file.bin"));
    }
}
