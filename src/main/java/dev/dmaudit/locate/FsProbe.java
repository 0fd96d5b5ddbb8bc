package dev.dmaudit.locate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a device starts with, from the signatures at their fixed places (as blkid reads them): only
 * what is needed to pick a locator or to say what the sector is not. Reads the first 68 KiB.
 */
final class FsProbe {
    private FsProbe() {
    }

    /**
     * @param device a block device (or image file)
     * @return ext2/ext3/ext4, xfs, btrfs, luks, lvm2_member, or null when nothing is recognised
     * @throws IOException when the device cannot be read
     */
    static String probe(Path device) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(68 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read what there is
            }
        }
        int n = b.position();
        return probe(b, n);
    }

    static String probe(ByteBuffer b, int n) {
        if (n >= 4 && b.get(0) == 'X' && b.get(1) == 'F' && b.get(2) == 'S' && b.get(3) == 'B') {
            return "xfs";
        }
        if (n >= 6 && b.get(0) == 'L' && b.get(1) == 'U' && b.get(2) == 'K' && b.get(3) == 'S'
                && (b.get(4) & 0xff) == 0xba && (b.get(5) & 0xff) == 0xbe) {
            return "luks";
        }
        if (n >= 1024 + 0x68 && (b.getShort(1024 + 0x38) & 0xffff) == 0xEF53) {
            int compat = b.getInt(1024 + 0x5C);
            int incompat = b.getInt(1024 + 0x60);
            if ((incompat & (0x40 | 0x80 | 0x200)) != 0) { // extents, 64bit, flex_bg
                return "ext4";
            }
            return (compat & 0x4) != 0 ? "ext3" : "ext2"; // has_journal
        }
        if (n >= 65536 + 72 && new String(bytes(b, 65536 + 64, 8), java.nio.charset.StandardCharsets.US_ASCII).equals("_BHRfS_M")) {
            return "btrfs";
        }
        if (n >= 520 + 8 && new String(bytes(b, 512, 8), java.nio.charset.StandardCharsets.US_ASCII).equals("LABELONE")) {
            return "lvm2_member";
        }
        return null;
    }

    private static byte[] bytes(ByteBuffer b, int at, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = b.get(at + i);
        }
        return out;
    }
}
