package dev.dmaudit.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Checks that nobody but root (and, for a non-root process, the process's own uid) can change what
 * a directory path names: every component from {@code /} down, and every component a symbolic link
 * on the way resolves to, must be a directory owned by root (or us) with no group or world write.
 *
 * <p>The walk is done on descriptors, by the JDK's {@link SecureDirectoryStream}: each component is
 * opened relative to its parent's descriptor with {@code openat(..., O_NOFOLLOW)} and checked with
 * {@code fstat} on the opened descriptor, so what is checked is what was opened. (JNA's libc layer
 * cannot do this walk: JNA's own {@code libjnidispatch.so} is loaded from the directory being
 * checked.) A symbolic link component is accepted only when the link itself is owned by root (or
 * us) and every component of its target passes the same check; {@code ..} in a target goes back
 * one directory; at most {@value #MAX_LINKS} links are followed.
 */
public final class TrustedPath {
    /** As the kernel's own limit on links followed in one lookup (MAXSYMLINKS). */
    static final int MAX_LINKS = 40;

    /** Static helpers only. */
    private TrustedPath() {
    }

    /**
     * @param dir       an absolute directory path
     * @param uid       the effective uid; components may be owned by root or by it
     * @param ownedByUs when true the last directory must be owned by {@code uid} itself
     * @return null when the path passes, else one line saying which component fails and why
     */
    static String check(Path dir, int uid, boolean ownedByUs) {
        return check(dir, uid, ownedByUs, false);
    }

    /**
     * The rule for the directory an output file is written into: as {@link #check}, except that a
     * group/world-writable component is accepted when it has the sticky bit (as /tmp): there
     * nobody can rename or delete an entry they do not own, and every entry we pass is ours or
     * root's.
     *
     * @param dir an absolute directory path
     * @param uid the effective uid
     * @return null when it passes, else one line saying which component fails and why
     */
    public static String checkOutputDirectory(Path dir, int uid) {
        return check(dir, uid, false, true);
    }

    /**
     * As {@link #check} with root (or {@code uid}) owners and no group/world write anywhere, for
     * directories this process runs programs from.
     *
     * @param dir an absolute directory path
     * @param uid the effective uid
     * @return null when it passes, else one line saying which component fails and why
     */
    public static String checkDirectory(Path dir, int uid) {
        return check(dir, uid, false, false);
    }

    /**
     * @param file a file (links followed)
     * @param uid  the effective uid
     * @return null when root or {@code uid} owns it and neither group nor others can write it, else why not
     * @throws IOException when it cannot be read
     */
    public static String fileRefusal(Path file, int uid) throws IOException {
        return refusal(Files.readAttributes(file, PosixFileAttributes.class), uid, false);
    }

    /**
     * A directory of our own (owned by {@code uid}, not writable by others) whose parents pass the
     * sticky-directory rule of {@link #checkOutputDirectory}.
     *
     * @param dir an absolute directory path
     * @param uid the effective uid
     * @return null when it passes, else one line saying which component fails and why
     */
    public static String checkPrivateUnderSticky(Path dir, int uid) {
        return check(dir, uid, true, true);
    }

    /** @return the effective uid of this process (from /proc/self/status), -1 when unreadable */
    public static int effectiveUid() {
        return NativeDir.effectiveUid();
    }

    private static String check(Path dir, int uid, boolean ownedByUs, boolean stickyOk) {
        if (!dir.isAbsolute()) {
            return dir + ": not an absolute path";
        }
        Deque<String> todo = new ArrayDeque<>();
        for (Path p : dir) {
            todo.addLast(p.toString());
        }
        Deque<SecureDirectoryStream<Path>> open = new ArrayDeque<>();
        Path at = dir.getRoot();
        int links = 0;
        try {
            DirectoryStream<Path> root = Files.newDirectoryStream(at);
            if (!(root instanceof SecureDirectoryStream<Path> sroot)) {
                root.close();
                return "this JDK cannot open directories relative to a descriptor (no SecureDirectoryStream)";
            }
            open.push(sroot);
            String why = refusal(sroot.getFileAttributeView(PosixFileAttributeView.class).readAttributes(), uid,
                    ownedByUs && todo.isEmpty(), stickyOk && sticky(at));
            if (why != null) {
                return at + ": " + why;
            }
            while (!todo.isEmpty()) {
                String name = todo.removeFirst();
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                if (name.equals("..")) {
                    if (open.size() > 1) {
                        open.pop().close();
                        at = at.getParent();
                    }
                    continue;
                }
                SecureDirectoryStream<Path> parent = open.peek();
                Path rel = Path.of(name);
                Path here = at.resolve(name);
                // fstatat(parent, name, AT_SYMLINK_NOFOLLOW): is this component a link?
                PosixFileAttributes la = parent.getFileAttributeView(rel, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
                if (la.isSymbolicLink()) {
                    if (++links > MAX_LINKS) {
                        return here + ": more than " + MAX_LINKS + " symbolic links";
                    }
                    String lw = ownerRefusal(la, uid, false);
                    if (lw != null) {
                        return here + ": symbolic link " + lw;
                    }
                    // By path: `at` is verified, so only root (or us) can change the link.
                    Path target = Files.readSymbolicLink(here);
                    Deque<String> next = new ArrayDeque<>();
                    for (Path p : target) {
                        next.addLast(p.toString());
                    }
                    if (target.isAbsolute()) {
                        while (open.size() > 1) {
                            open.pop().close();
                        }
                        at = dir.getRoot();
                    }
                    while (!next.isEmpty()) {
                        todo.addFirst(next.removeLast());
                    }
                    continue;
                }
                SecureDirectoryStream<Path> child;
                try {
                    child = parent.newDirectoryStream(rel, LinkOption.NOFOLLOW_LINKS); // openat(O_NOFOLLOW)
                } catch (NotDirectoryException e) {
                    return here + ": not a directory";
                }
                open.push(child);
                at = here;
                PosixFileAttributes a = child.getFileAttributeView(PosixFileAttributeView.class).readAttributes(); // fstat
                why = a.isDirectory() ? refusal(a, uid, ownedByUs && todo.isEmpty(), stickyOk && sticky(here)) : "not a directory";
                if (why != null) {
                    return here + ": " + why;
                }
            }
            // A trailing ".." may have ended the walk on a directory checked as a parent only.
            return ownedByUs ? refusalAt(at, open.peek().getFileAttributeView(PosixFileAttributeView.class).readAttributes(), uid)
                    : null;
        } catch (NoSuchFileException e) {
            return e.getFile() + " under " + at + ": does not exist";
        } catch (IOException | UnsupportedOperationException e) {
            return at + ": " + reason(e);
        } finally {
            for (SecureDirectoryStream<Path> s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // A close error on a read-only directory descriptor changes nothing checked.
                }
            }
        }
    }

    /**
     * @param at  the directory's path, for the message
     * @param a   its attributes
     * @param uid the uid that must own it
     * @return null when {@code uid} owns it and nobody else can write it, else "path: why"
     */
    private static String refusalAt(Path at, PosixFileAttributes a, int uid) {
        String why = refusal(a, uid, true);
        return why == null ? null : at + ": " + why;
    }

    /**
     * @param dir a directory whose parents passed the check (so the path names what was opened)
     * @return whether its sticky bit (S_ISVTX) is set; the JDK's POSIX view does not show it
     */
    private static boolean sticky(Path dir) throws IOException {
        return (((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 01000) != 0;
    }

    /**
     * @param a         attributes read from a descriptor (or without following links)
     * @param uid       the effective uid
     * @param ownedByUs when true only {@code uid} may own it
     * @return null when root (or us) owns it and neither group nor others can write it, else why not
     */
    static String refusal(PosixFileAttributes a, int uid, boolean ownedByUs) {
        return refusal(a, uid, ownedByUs, false);
    }

    /**
     * @param a         attributes
     * @param uid       the effective uid
     * @param ownedByUs when true only {@code uid} may own it
     * @param sticky    the sticky bit is set and writable components are acceptable with it
     * @return null when acceptable, else why not
     */
    private static String refusal(PosixFileAttributes a, int uid, boolean ownedByUs, boolean sticky) {
        String why = ownerRefusal(a, uid, ownedByUs);
        if (why != null) {
            return why;
        }
        Set<PosixFilePermission> p = a.permissions();
        if (!sticky && (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE))) {
            return "group- or world-writable (" + PosixFilePermissions.toString(p) + ")";
        }
        return null;
    }

    /**
     * @param a         attributes
     * @param uid       the effective uid
     * @param ownedByUs when true only {@code uid} may own it, else root or {@code uid}
     * @return null when the owner is acceptable, else "owned by …"
     */
    private static String ownerRefusal(PosixFileAttributes a, int uid, boolean ownedByUs) {
        UserPrincipal owner = a.owner();
        boolean ok = owner.equals(principal(uid)) || (!ownedByUs && owner.equals(principal(0)));
        return ok ? null : "owned by " + owner.getName() + ", not " + (ownedByUs || uid == 0 ? "uid " + uid : "root or uid " + uid);
    }

    /**
     * @param uid a uid
     * @return its principal, compared by number (a name not in the user database is parsed as a uid)
     */
    private static UserPrincipal principal(int uid) {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(Integer.toString(uid));
        } catch (IOException e) {
            throw new IllegalStateException("cannot look up uid " + uid, e);
        }
    }

    /**
     * @param e a failure
     * @return the JDK's reason (the C library's text for the errno) and the operation, one line
     */
    static String reason(Exception e) {
        if (e instanceof FileSystemException f) {
            String r = f.getReason();
            return (f.getFile() != null ? "openat/fstat(" + f.getFile() + "): " : "")
                    + (r != null ? r : f.getClass().getSimpleName());
        }
        return String.valueOf(e.getMessage());
    }
}
