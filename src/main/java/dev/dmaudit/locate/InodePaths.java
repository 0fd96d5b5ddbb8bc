package dev.dmaudit.locate;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inode numbers to paths on a mounted filesystem that has no {@code ncheck} usable while mounted
 * (XFS): a walk of the mount, as {@code find MOUNT -xdev -inum N} does, that stays on the
 * filesystem's device and stops after {@code maxEntries} entries or at the deadline — an answer
 * cut short is said, never completed by a guess.
 */
final class InodePaths {
    private InodePaths() {
    }

    /** Paths found, and whether the walk was cut short. */
    record Found(Map<Long, List<String>> paths, boolean complete) {
    }

    static Found find(Path mountPoint, Set<Long> inodes, long maxEntries, long deadlineNanos) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        if (inodes.isEmpty()) {
            return new Found(out, true);
        }
        Object rootDev;
        try {
            rootDev = Files.getAttribute(mountPoint, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return new Found(out, false);
        }
        long[] seen = {0};
        boolean[] cut = {false};
        Set<Long> want = new HashSet<>(inodes);
        try {
            Files.walkFileTree(mountPoint, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!rootDev.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                        return FileVisitResult.SKIP_SUBTREE; // another filesystem mounted here
                    }
                    return visit(dir);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    return visit(file);
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                private FileVisitResult visit(Path p) throws IOException {
                    if (++seen[0] > maxEntries || System.nanoTime() > deadlineNanos) {
                        cut[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    Object ino = Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                    if (ino instanceof Long i && want.contains(i)) {
                        out.computeIfAbsent(i, k -> new ArrayList<>()).add(p.toString());
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            cut[0] = true;
        }
        return new Found(out, !cut[0]);
    }
}
