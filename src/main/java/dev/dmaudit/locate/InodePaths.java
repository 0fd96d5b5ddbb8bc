package dev.dmaudit.locate;

import dev.dmaudit.os.DirEntries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inode numbers to paths on a mounted filesystem, as {@code find MOUNT -xdev -inum N} does, for
 * what the filesystem tools cannot answer while mounted (XFS) or once the inode table is damaged
 * (debugfs ncheck stops at an unreadable inode-table block). The inode numbers come from the
 * directories themselves (getdents64's d_ino, {@link DirEntries}), so the entry of an inode that
 * cannot be read still names it. Stays on the filesystem's device (a directory whose st_dev
 * differs is another mount: skipped), stops after {@code maxEntries} entries or at the deadline —
 * an answer cut short is said, never completed by a guess.
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
        Object rootDev;
        try {
            rootDev = Files.getAttribute(mountPoint, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Object rootIno = Files.getAttribute(mountPoint, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            if (rootIno instanceof Long i && inodes.contains(i)) {
                out.computeIfAbsent(i, k -> new ArrayList<>()).add(mountPoint.toString());
            }
        } catch (IOException | RuntimeException e) {
            return new Found(out, false);
        }
        long seen = 0;
        boolean complete = true;
        long deadlineNanos = Long.MAX_VALUE;
        Deque<Path> dirs = new ArrayDeque<>();
        dirs.add(mountPoint);
        while (!dirs.isEmpty()) {
            Path dir = dirs.poll();
            List<DirEntries.Entry> entries;
            try {
                entries = DirEntries.list(dir.toString());
                if (deadlineNanos == Long.MAX_VALUE) {
                    deadlineNanos = System.nanoTime() + budgetNanos;
                }
            } catch (RuntimeException e) { // SyscallException too
                complete = false; // unreadable directory: what is below it is not known
                continue;
            }
            for (DirEntries.Entry e : entries) {
                if (++seen > maxEntries || System.nanoTime() > deadlineNanos) {
                    return new Found(out, false);
                }
                Path p;
                try {
                    p = dir.resolve(e.name());
                } catch (RuntimeException bad) {
                    complete = false; // a name this JVM cannot make a path of
                    continue;
                }
                if (inodes.contains(e.inode())) {
                    out.computeIfAbsent(e.inode(), k -> new ArrayList<>()).add(p.toString());
                }
                if (e.type() == DirEntries.DT_DIR || e.type() == DirEntries.DT_UNKNOWN) {
                    try {
                        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                                && rootDev.equals(Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                            dirs.add(p);
                        }
                    } catch (IOException | RuntimeException unreadable) {
                        if (e.type() == DirEntries.DT_DIR) {
                            complete = false;
                        }
                    }
                }
            }
        }
        return new Found(out, complete);
    }
}
