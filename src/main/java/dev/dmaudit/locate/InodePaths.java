package dev.dmaudit.locate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inode numbers to paths on a mounted filesystem, as {@code find MOUNT -xdev -inum N} does, for
 * what the filesystem tools cannot answer while mounted (XFS) or once the inode table is damaged
 * (debugfs ncheck stops at an unreadable inode-table block). The inode numbers come from the
 * directories themselves (getdents64's d_ino), so the entry of an inode that cannot be read still
 * names it. The walk is {@link MountWalk}'s: bounded, on the filesystem's
 * own device, and an answer cut short is said, never completed by a guess.
 */
final class InodePaths {
    private InodePaths() {
    }

    /** Paths found, and whether the walk saw the whole tree. */
    record Found(Map<Long, List<String>> paths, boolean complete) {
    }

    /**
     * @param mountPoint  where the filesystem is mounted
     * @param inodes      the inode numbers wanted
     * @param maxEntries  directory entries looked at, at most
     * @param budgetNanos time allowed, counted from the first directory read (which loads the
     *                    native calls: slow the first time in a process, and not the walk's cost)
     * @return the paths found, and whether the whole tree was seen
     */
    static Found find(Path mountPoint, Set<Long> inodes, long maxEntries, long budgetNanos) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        if (inodes.isEmpty()) {
            return new Found(out, true);
        }
        try {
            Object rootIno = Files.getAttribute(mountPoint, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            if (rootIno instanceof Long i && inodes.contains(i)) {
                out.computeIfAbsent(i, k -> new ArrayList<>()).add(mountPoint.toString());
            }
        } catch (IOException | RuntimeException e) {
            return new Found(out, false);
        }
        boolean complete = MountWalk.walk(mountPoint, maxEntries, budgetNanos, (p, e) -> {
            if (inodes.contains(e.inode())) {
                out.computeIfAbsent(e.inode(), k -> new ArrayList<>()).add(p.toString());
            }
        });
        return new Found(out, complete);
    }
}
