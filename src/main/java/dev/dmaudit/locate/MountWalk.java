package dev.dmaudit.locate;

import dev.dmaudit.os.DirEntries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A bounded, breadth-first walk of one mounted filesystem, as {@code find MOUNT -xdev} walks it:
 * entries come from getdents64 ({@link DirEntries}, so an entry whose inode cannot be read still
 * shows), a directory on another device (another mount) is skipped, and the walk stops after
 * {@code maxEntries} entries or at its deadline. Whether it saw the whole tree is said, so that
 * callers never present a walk cut short as a complete answer.
 */
final class MountWalk {
    private MountWalk() {
    }

    /** What the walk does with each entry. */
    interface Visitor {
        /**
         * @param path  the entry's path
         * @param entry the entry (name, inode number, d_type)
         */
        void visit(Path path, DirEntries.Entry entry);
    }

    /**
     * @param mountPoint  where the filesystem is mounted (the root itself is not visited)
     * @param maxEntries  directory entries looked at, at most
     * @param budgetNanos time allowed, counted from the first directory read (which loads the
     *                    native calls: slow the first time in a process, and not the walk's cost)
     * @param visitor     called for each entry
     * @return whether the whole tree was seen (false: cut short, or a directory was unreadable)
     */
    static boolean walk(Path mountPoint, long maxEntries, long budgetNanos, Visitor visitor) {
        Object rootDev;
        try {
            rootDev = Files.getAttribute(mountPoint, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        long seen = 0;
        boolean complete = true;
        long deadlineNanos = Long.MAX_VALUE;
        Deque<Path> dirs = new ArrayDeque<>();
        dirs.add(mountPoint);
        while (!dirs.isEmpty()) {
            Path dir = dirs.poll();
            java.util.List<DirEntries.Entry> entries;
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
                    return false;
                }
                Path p;
                try {
                    p = dir.resolve(e.name());
                } catch (RuntimeException bad) {
                    complete = false; // a name this JVM cannot make a path of
                    continue;
                }
                visitor.visit(p, e);
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
        return complete;
    }
}
