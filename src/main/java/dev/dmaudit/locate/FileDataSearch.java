package dev.dmaudit.locate;

import dev.dmaudit.os.DirEntries;
import dev.dmaudit.os.FileExtents;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which regular file's data holds given bytes of a mounted filesystem's device: a bounded walk of
 * the mount ({@link MountWalk}) asking each regular file for its extents with FIEMAP
 * ({@link FileExtents}), the live mapping, for filesystems whose own tools cannot say while mounted
 * (XFS without a reverse map, while its log holds changes). Each inode is asked once; its other
 * names (hard links) are collected as the walk meets them. A file that no path reaches (deleted
 * while still open) cannot be found this way: a miss is "no file reachable by a path", never
 * "free".
 */
final class FileDataSearch {
    private FileDataSearch() {
    }

    /**
     * A file whose data holds a wanted byte.
     *
     * @param inode      its inode number
     * @param paths      every path the walk found for it
     * @param fileOffset the byte's offset in the file
     * @param unwritten  whether the extent is preallocated and not yet written (reads give zeros)
     */
    record Hit(long inode, List<String> paths, long fileOffset, boolean unwritten) {
    }

    /**
     * What the walk found.
     *
     * @param hits     wanted device byte offset → the file holding it
     * @param files    regular files whose extents were read
     * @param failed   regular files whose extents could not be read (e.g. FIEMAP unsupported)
     * @param complete whether the whole tree was seen and every file's extents read
     */
    record Found(Map<Long, Hit> hits, long files, long failed, boolean complete) {
    }

    /**
     * @param mountPoint  where the filesystem is mounted
     * @param deviceBytes the wanted byte offsets on the filesystem's device
     * @param maxEntries  directory entries looked at, at most
     * @param budgetNanos time allowed for the walk
     * @return the files found, with counts and completeness
     */
    static Found find(Path mountPoint, List<Long> deviceBytes, long maxEntries, long budgetNanos) {
        Map<Long, Hit> hits = new LinkedHashMap<>();
        if (deviceBytes.isEmpty()) {
            return new Found(hits, 0, 0, true);
        }
        // inode → the wanted offsets it holds (an empty list: asked, holds none)
        Map<Long, List<Long>> asked = new HashMap<>();
        long[] counts = new long[2];
        boolean walked = MountWalk.walk(mountPoint, maxEntries, budgetNanos, (p, e) -> {
            List<Long> held = asked.get(e.inode());
            if (held == null) {
                if (!regular(p, e)) {
                    return;
                }
                held = new ArrayList<>();
                asked.put(e.inode(), held);
                List<FileExtents.Extent> extents;
                try {
                    extents = FileExtents.of(p.toString());
                    counts[0]++;
                } catch (RuntimeException failed) { // SyscallException too: an unreadable file
                    counts[1]++;
                    return;
                }
                for (long at : deviceBytes) {
                    for (FileExtents.Extent x : extents) {
                        if (x.covers(at)) {
                            held.add(at);
                            hits.put(at, new Hit(e.inode(), new ArrayList<>(), x.logical() + (at - x.physical()),
                                    (x.flags() & FileExtents.UNWRITTEN) != 0));
                            break;
                        }
                    }
                }
            }
            for (long at : held) {
                hits.get(at).paths().add(p.toString());
            }
        });
        return new Found(hits, counts[0], counts[1], walked && counts[1] == 0);
    }

    private static boolean regular(Path p, DirEntries.Entry e) {
        if (e.type() == DirEntries.DT_REG) {
            return true;
        }
        return e.type() == DirEntries.DT_UNKNOWN && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }
}
