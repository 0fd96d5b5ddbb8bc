package dev.dmaudit.locate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fixed layout of an ext2/3/4 filesystem from {@code dumpe2fs} (read-only, works mounted): block
 * size, inode size, inodes per group, the journal inode, and every range of static metadata —
 * superblocks and their backups, group descriptors, reserved GDT blocks, bitmaps, inode tables.
 * It changes only with a resize or a new mkfs, so it is read once per filesystem generation.
 */
record Ext4Layout(long blockSize, long blockCount, long firstBlock, int inodeSize, long inodesPerGroup,
                  long journalInode, List<Range> ranges) {

    /**
     * A range of blocks of one metadata kind.
     *
     * @param first  first block
     * @param last   last block (inclusive)
     * @param kind   superblock, group_descriptors, reserved_gdt, block_bitmap, inode_bitmap, inode_table
     * @param group  the block group it belongs to
     */
    record Range(long first, long last, String kind, long group) {
    }

    private static final Pattern GROUP = Pattern.compile("^Group (\\d+): \\(Blocks (\\d+)-(\\d+)\\)");
    private static final Pattern SUPER = Pattern.compile("(?:Primary|Backup) superblock at (\\d+)");
    private static final Pattern GDT = Pattern.compile("Group descriptors? at (\\d+)(?:-(\\d+))?");
    private static final Pattern RESERVED = Pattern.compile("Reserved GDT blocks at (\\d+)-(\\d+)");
    private static final Pattern BBITMAP = Pattern.compile("Block bitmap at (\\d+)");
    private static final Pattern IBITMAP = Pattern.compile("Inode bitmap at (\\d+)");
    private static final Pattern ITABLE = Pattern.compile("Inode table at (\\d+)-(\\d+)");

    /**
     * @param dumpe2fs the whole output of {@code dumpe2fs DEVICE}
     * @return the layout
     * @throws IllegalArgumentException when the header lacks block size, inode size or group size
     */
    static Ext4Layout parse(String dumpe2fs) {
        long bs = -1;
        long count = -1;
        long first = 0;
        int isz = -1;
        long ipg = -1;
        long journal = 0;
        long group = -1;
        List<Range> ranges = new ArrayList<>();
        for (String raw : dumpe2fs.split("\n")) {
            String line = raw.strip();
            Matcher g = GROUP.matcher(line);
            if (g.find()) {
                group = Long.parseLong(g.group(1));
                continue;
            }
            if (group < 0) {
                String v = value(line);
                if (line.startsWith("Block size:")) {
                    bs = Long.parseLong(v);
                } else if (line.startsWith("Block count:")) {
                    count = Long.parseLong(v);
                } else if (line.startsWith("First block:")) {
                    first = Long.parseLong(v);
                } else if (line.startsWith("Inode size:")) {
                    isz = Integer.parseInt(v);
                } else if (line.startsWith("Inodes per group:")) {
                    ipg = Long.parseLong(v);
                } else if (line.startsWith("Journal inode:")) {
                    journal = Long.parseLong(v);
                }
                continue;
            }
            Matcher m = SUPER.matcher(line);
            if (m.find()) {
                long b = Long.parseLong(m.group(1));
                ranges.add(new Range(b, b, "superblock", group));
            }
            m = GDT.matcher(line);
            if (m.find()) {
                long a = Long.parseLong(m.group(1));
                ranges.add(new Range(a, m.group(2) == null ? a : Long.parseLong(m.group(2)), "group_descriptors", group));
            }
            m = RESERVED.matcher(line);
            if (m.find()) {
                ranges.add(new Range(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), "reserved_gdt", group));
            }
            m = BBITMAP.matcher(line);
            if (m.find()) {
                long b = Long.parseLong(m.group(1));
                ranges.add(new Range(b, b, "block_bitmap", group));
            }
            m = IBITMAP.matcher(line);
            if (m.find()) {
                long b = Long.parseLong(m.group(1));
                ranges.add(new Range(b, b, "inode_bitmap", group));
            }
            m = ITABLE.matcher(line);
            if (m.find()) {
                ranges.add(new Range(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), "inode_table", group));
            }
        }
        if (bs <= 0 || isz <= 0 || ipg <= 0 || count <= 0) {
            throw new IllegalArgumentException("dumpe2fs output without block size, block count, inode size or inodes per group");
        }
        return new Ext4Layout(bs, count, first, isz, ipg, journal, List.copyOf(ranges));
    }

    private static String value(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(colon + 1).strip();
    }

    /** @return the static metadata range holding the block, or null */
    Range rangeOf(long block) {
        for (Range r : ranges) {
            if (block >= r.first && block <= r.last) {
                return r;
            }
        }
        return null;
    }

    /**
     * @param r             an inode_table range
     * @param block         a block inside it
     * @param offsetInBlock byte offset of the sector inside the block
     * @return the inodes stored in the 512-byte sector at that place (one when inodes are larger)
     */
    List<Long> inodesInSector(Range r, long block, long offsetInBlock) {
        long sectorStart = (block - r.first) * blockSize + (offsetInBlock / 512) * 512;
        long firstIndex = sectorStart / inodeSize;
        long n = Math.max(1, 512 / inodeSize);
        List<Long> out = new ArrayList<>();
        for (long i = firstIndex; i < firstIndex + n && i < inodesPerGroup; i++) {
            out.add(r.group * inodesPerGroup + i + 1);
        }
        return out;
    }
}
