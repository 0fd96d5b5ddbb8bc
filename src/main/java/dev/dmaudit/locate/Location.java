package dev.dmaudit.locate;

import java.util.List;
import java.util.Objects;

/**
 * Where a failing sector lies: in a file, in filesystem metadata, in free space, outside any
 * filesystem, or somewhere this package cannot tell (with the reason). Made by {@link Locator}.
 *
 * <p>Every field but {@code kind}, {@code chain} and {@code detail} may be null (unknown or not
 * applicable). Nothing is guessed: when a step cannot be resolved the kind is {@link Kind#UNKNOWN}
 * or {@link Kind#UNSUPPORTED} and {@code detail} says why.
 *
 * @param kind       the class of the sector
 * @param filesystem the filesystem type (ext4, xfs, …) when one was found on the top device
 * @param fsDevice   the block device carrying the filesystem (a /dev path)
 * @param mountPoint where it is mounted, or null
 * @param paths      for file data, and for inodes listed by metadata: every path of the inode (hard
 *                   links included), under the mount point when mounted, else from the filesystem root
 * @param inode      the inode whose data (or extent tree) holds the sector, or null
 * @param fileOffset the byte offset of the sector inside that file, or null
 * @param fsBlock    the filesystem block holding the sector, or null
 * @param inodes     metadata holding inodes (an inode-table sector): the inodes stored in the sector
 * @param detail     a short word for the metadata kind ({@code inode_table}, {@code superblock},
 *                   {@code group_descriptors}, {@code block_bitmap}, {@code inode_bitmap},
 *                   {@code journal}, {@code extent_tree}, {@code directory}, …), the outside area
 *                   ({@code luks_header}, {@code lvm_unmapped}, …) or, for UNKNOWN/UNSUPPORTED,
 *                   the reason
 * @param chain      the translation from the reported device up to the filesystem's device: one
 *                   step per device with the sector there (512-byte units)
 */
public record Location(Kind kind, String filesystem, String fsDevice, String mountPoint, List<String> paths,
                       Long inode, Long fileOffset, Long fsBlock, List<Long> inodes, String detail,
                       List<Step> chain) {

    /** The class of a located sector. */
    public enum Kind {
        /** File data: {@code paths}, {@code inode} and {@code fileOffset} say which file and where. */
        FILE,
        /** Filesystem metadata; {@code detail} says which kind. */
        METADATA,
        /** A filesystem block in no use. */
        FREE,
        /** Not part of any filesystem: a LUKS header, LVM metadata or unallocated extents, … */
        OUTSIDE,
        /** A filesystem (or target) this package does not read: {@code fsBlock} when known, no guess. */
        UNSUPPORTED,
        /** Could not be located; {@code detail} says why (no sector, a tool failed, rate limit, …). */
        UNKNOWN;

        /** @return the lower-case JSON name */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One device of the chain.
     *
     * @param device MAJ:MIN
     * @param name   the dm name or kernel name (dm-3, loop0), or null
     * @param target the dm target type mapping this level to the one below (linear, crypt, integrity, …), or null
     * @param sector the sector on this device, 512-byte units
     * @param note   why this step is what it is when that is not the plain mapping (the kernel named
     *               a device below the one whose sector it gave, or could not be placed), or null
     */
    public record Step(String device, String name, String target, long sector, String note) {
        /** A step with no note. */
        public Step(String device, String name, String target, long sector) {
            this(device, name, target, sector, null);
        }
    }

    /** Copies the lists. */
    public Location {
        Objects.requireNonNull(kind);
        paths = paths == null ? List.of() : List.copyOf(paths);
        inodes = inodes == null ? List.of() : List.copyOf(inodes);
        chain = chain == null ? List.of() : List.copyOf(chain);
    }

    /**
     * @param reason why nothing could be located
     * @param chain  the steps walked so far
     * @return an UNKNOWN location
     */
    public static Location unknown(String reason, List<Step> chain) {
        return new Location(Kind.UNKNOWN, null, null, null, null, null, null, null, null, reason, chain);
    }

    /** @return the last step of the chain (the filesystem's device when one was reached), or null */
    public Step top() {
        return chain.isEmpty() ? null : chain.get(chain.size() - 1);
    }
}
