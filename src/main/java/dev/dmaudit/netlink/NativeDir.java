package dev.dmaudit.netlink;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chooses where JNA extracts its native libraries ({@code jna.tmpdir}) before JNA loads anything.
 * A root process must not load code from a world-writable, possibly {@code noexec} /tmp: we use a
 * directory owned by us with mode 0700 — {@code /var/cache/dmaudit} for root,
 * {@code $XDG_RUNTIME_DIR/dmaudit} otherwise — creating it when missing and refusing one that is
 * owned by someone else, is a symbolic link or is group/world-writable. An explicit
 * {@code -Djna.tmpdir} is used as given. When no candidate is usable JNA's default is kept and a
 * warning says why. See docs/native.md.
 */
public final class NativeDir {
    /** The system property JNA reads for its extraction directory. */
    static final String PROPERTY = "jna.tmpdir";
    /** Logs the fallback to JNA's default directory. */
    private static final System.Logger LOG = System.getLogger(NativeDir.class.getName());
    /** What {@link #prepare()} decided, for diagnostics; null until it ran (also its run-once flag). */
    private static String chosen;

    /** Static helpers only. */
    private NativeDir() {
    }

    /** Sets {@code jna.tmpdir} once; call before any JNA class is used. */
    public static synchronized void prepare() {
        if (chosen != null) {
            return;
        }
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null) {
            chosen = explicit + " (set by -D" + PROPERTY + ")";
            return;
        }
        List<String> refusals = new ArrayList<>();
        for (Path dir : candidates(effectiveUid(), System.getenv("XDG_RUNTIME_DIR"))) {
            String why = ensureSafe(dir, effectiveUid());
            if (why == null) {
                System.setProperty(PROPERTY, dir.toString());
                chosen = dir.toString();
                return;
            }
            refusals.add(dir + ": " + why);
        }
        chosen = "JNA default (java.io.tmpdir=" + System.getProperty("java.io.tmpdir") + ")";
        LOG.log(System.Logger.Level.WARNING, "dmaudit: no safe native library directory ("
                + String.join("; ", refusals) + "); falling back to " + chosen);
    }

    /** @return the directory chosen by {@link #prepare()} and how, or null before it ran */
    public static synchronized String chosen() {
        return chosen;
    }

    /**
     * The directories to try, in order.
     *
     * @param uid           the effective uid; 0 (root) adds {@code /var/cache/dmaudit}
     * @param xdgRuntimeDir the value of {@code XDG_RUNTIME_DIR}, or null; used only when absolute
     * @return the candidate directories, possibly empty
     */
    static List<Path> candidates(int uid, String xdgRuntimeDir) {
        List<Path> out = new ArrayList<>(2);
        if (uid == 0) {
            out.add(Path.of("/var/cache/dmaudit"));
        }
        if (xdgRuntimeDir != null && xdgRuntimeDir.startsWith("/")) {
            out.add(Path.of(xdgRuntimeDir, "dmaudit"));
        }
        return out;
    }

    /**
     * Creates {@code dir} with mode 0700 when missing, then checks it.
     *
     * @param dir the directory
     * @param uid the owner it must have
     * @return null when it is safe to use, else the reason it is refused
     */
    static String ensureSafe(Path dir, int uid) {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // Checked below.
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot create: " + e.getMessage();
        }
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink() || !a.isDirectory()) {
                return "not a directory (or a symbolic link)";
            }
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != uid) {
                return "owned by uid " + owner + ", not " + uid;
            }
            Set<PosixFilePermission> p = a.permissions();
            if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return "group- or world-writable (" + PosixFilePermissions.toString(p) + ")";
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot inspect: " + e.getMessage();
        }
    }

    /** @return the effective uid from /proc/self/status, or -1 when unreadable */
    static int effectiveUid() {
        String uid = ProcFiles.statusField("Uid:");
        if (uid == null) {
            return -1;
        }
        String[] f = uid.trim().split("\\s+");
        return f.length > 1 ? Integer.parseInt(f[1]) : -1;
    }
}
