package dev.dmaudit.os;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

/**
 * Decides, before JNA loads anything, where native code may come from, and fails closed when no
 * place is safe. See docs/native.md.
 *
 * <ul>
 *   <li><b>Installed</b> ({@code -Ddmaudit.native.dir=DIR}, set by the installed launcher): DIR and
 *       every directory above it must pass {@link TrustedPath}, and {@code libjnidispatch.so} and
 *       {@code libdmaudit.so} in it must be regular files owned by root (or by us) that nobody else
 *       can write. JNA then loads from DIR only ({@code jna.boot.library.path}, {@code jna.nounpack},
 *       {@code jna.noclasspath}); nothing is unpacked.</li>
 *   <li><b>Development checkout</b>: JNA unpacks from the jar into {@code jna.tmpdir}, which we set
 *       to a verified directory: {@code /var/cache/dmaudit} for an effective uid 0 (never a
 *       directory named by the environment), {@code $XDG_RUNTIME_DIR/dmaudit} for other users, else a new
 *       0700 directory of a random name under a sticky {@code java.io.tmpdir}. An explicit
 *       {@code -Djna.tmpdir} is used as given by other users and verified when we are root.</li>
 * </ul>
 *
 * We always set {@code jna.tmpdir}, so JNA never falls back to its own default
 * ({@code $XDG_CACHE_HOME/JNA/temp}, {@code ~/.cache/JNA/temp} or {@code /tmp}). When nothing is
 * safe, {@link #prepare()} throws {@link UnsafeNativeDirException} with one line saying why.
 */
public final class NativeDir {
    /** The system property JNA reads for its extraction directory. */
    static final String PROPERTY = "jna.tmpdir";
    /** The system property naming the installed native directory (layout: $(PREFIX)/lib/dmaudit/native). */
    public static final String INSTALLED_PROPERTY = "dmaudit.native.dir";
    /** Root's extraction directory; systemd's {@code CacheDirectory=} may make it a symlink to private/dmaudit. */
    static final Path ROOT_CACHE = Path.of("/var/cache/dmaudit");
    /** The native files an installed directory must hold (linux: JNA's dispatch library and our shim). */
    static final List<String> INSTALLED_FILES = List.of("libjnidispatch.so", "libdmaudit.so");

    /** JNA's last-resort search path for libraries dlopen(3) did not find by name (we load libc by name). */
    static final String PLATFORM_PATH = "jna.platform.library.path";

    /** What {@link #prepare()} decided, for diagnostics; null until it succeeded (also its run-once flag). */
    private static String chosen;
    /** The verified installed directory, or null in a development checkout. */
    private static Path installed;

    /** Static helpers only. */
    private NativeDir() {
    }

    /**
     * Chooses and verifies the native directory once and sets JNA's properties; call before any
     * JNA class is used.
     *
     * @throws UnsafeNativeDirException when no directory passes the checks (nothing is loaded then)
     */
    public static synchronized void prepare() {
        if (chosen != null) {
            return;
        }
        int uid = effectiveUid();
        if (uid < 0) {
            // Unknown: treating it as a user's would let root take a directory from the environment.
            throw new UnsafeNativeDirException("cannot read the effective uid from /proc/self/status");
        }
        if (uid == 0) {
            // Set through DMAUDIT_JAVA_OPTS (the environment) as easily as on a command line.
            for (String prop : List.of("jna.boot.library.path", "jna.library.path", PLATFORM_PATH)) {
                String why = searchPathRefusal(System.getProperty(prop), uid);
                if (why != null) {
                    throw new UnsafeNativeDirException(prop + ": " + why);
                }
            }
        }
        if (System.getProperty(PLATFORM_PATH) == null) {
            // Else JNA's first use runs `ldconfig -p` to build it: a child process at every start
            // (~10 ms, and the JDK's "process reaper" thread for the next minute).
            System.setProperty(PLATFORM_PATH, platformSearchPath(System.getProperty("os.arch")));
        }
        String inst = System.getProperty(INSTALLED_PROPERTY);
        if (inst != null) {
            Path dir = Path.of(inst);
            String why = checkInstalled(dir, uid);
            if (why != null) {
                throw new UnsafeNativeDirException(INSTALLED_PROPERTY + "=" + inst + ": " + why);
            }
            String d = dir.toString();
            System.setProperty("jna.boot.library.path", d);
            System.setProperty("jna.nounpack", "true");
            System.setProperty("jna.noclasspath", "true");
            // Nothing is unpacked, but JNA must not even compute its env-derived default.
            System.setProperty(PROPERTY, d);
            installed = dir;
            chosen = d + " (installed, nothing unpacked)";
            return;
        }
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null && uid != 0) {
            chosen = explicit + " (set by -D" + PROPERTY + ")";
            return;
        }
        List<Path> dirs = explicit != null ? List.of(Path.of(explicit)) : candidates(uid, System.getenv("XDG_RUNTIME_DIR"));
        List<String> refusals = new ArrayList<>();
        for (Path dir : dirs) {
            String why = ensureSafe(dir, uid);
            if (why == null) {
                System.setProperty(PROPERTY, dir.toString());
                chosen = dir + (explicit != null ? " (set by -D" + PROPERTY + ", verified)" : "");
                return;
            }
            refusals.add(dir + ": " + why);
        }
        if (uid != 0 && explicit == null) {
            // Not root: a fresh directory of our own under java.io.tmpdir is safe when that is
            // sticky (as /tmp): nobody else can rename or enter a 0700 directory we just made there.
            String why = freshPrivateDirectory(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(), uid);
            if (why == null) {
                return;
            }
            refusals.add(why);
        }
        throw new UnsafeNativeDirException((refusals.isEmpty() ? "no candidate directory (XDG_RUNTIME_DIR unset)"
                : String.join("; ", refusals)) + "; install the natives (make install) or pass -D" + PROPERTY
                + "=DIR owned by uid " + uid + " whose parents only root can write");
    }

    /**
     * @param osArch the JVM's {@code os.arch}
     * @return the system library directories, as JNA would list them without ld.so.conf's extras:
     *     Debian's multiarch directory first, then the lib64 and plain ones
     */
    static String platformSearchPath(String osArch) {
        String triple = switch (osArch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> null;
        };
        List<String> dirs = new ArrayList<>();
        if (triple != null) {
            dirs.addAll(List.of("/usr/lib/" + triple, "/lib/" + triple));
        }
        dirs.addAll(List.of("/usr/lib64", "/lib64", "/usr/lib", "/lib"));
        return String.join(":", dirs);
    }

    /** @return the directory chosen by {@link #prepare()} and how, or null before it succeeded */
    public static synchronized String chosen() {
        return chosen;
    }

    /**
     * @param library a file name in the installed directory, e.g. {@code libdmaudit.so}
     * @return its absolute path when {@link #prepare()} chose an installed directory, else null
     */
    static synchronized String installedLibrary(String library) {
        return installed == null ? null : installed.resolve(library).toString();
    }

    /** sqlite-jdbc's native library, in the installed directory (the history store, optional). */
    static final String SQLITE_LIBRARY = "libsqlitejdbc.so";

    /**
     * Points sqlite-jdbc (the history store) at the same verified place as JNA, before its driver
     * class loads: from the installed directory it loads {@value #SQLITE_LIBRARY} in place
     * ({@code org.sqlite.lib.path}/{@code org.sqlite.lib.name}, checked like JNA's libraries);
     * otherwise we unpack it once into the verified extraction directory ({@code jna.tmpdir}),
     * named by its content hash, and the driver loads that copy; never {@code java.io.tmpdir}.
     * Calls {@link #prepare()} first.
     *
     * @throws UnsafeNativeDirException when no safe directory exists or the installed library is unsafe or missing
     */
    public static synchronized void prepareSqlite() {
        prepare();
        if (installed != null) {
            Path lib = installed.resolve(SQLITE_LIBRARY);
            String why = installedFileRefusal(lib, effectiveUid());
            if (why != null) {
                throw new UnsafeNativeDirException(INSTALLED_PROPERTY + "=" + installed + ": " + lib + ": " + why);
            }
            System.setProperty("org.sqlite.lib.path", installed.toString());
            System.setProperty("org.sqlite.lib.name", SQLITE_LIBRARY);
        } else {
            // Our own copy, never one named by -Dorg.sqlite.lib.path (DMAUDIT_JAVA_OPTS, the environment).
            Path dir = Path.of(System.getProperty(PROPERTY));
            String name = unpackSqlite(dir);
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
        }
        // Should the driver unpack after all, only into the verified directory, never java.io.tmpdir.
        System.setProperty("org.sqlite.tmpdir", System.getProperty(PROPERTY));
    }

    /**
     * Copies sqlite-jdbc's library for this machine from the class path into the verified
     * extraction directory under a name made of its CRC-32 and size, once: the driver's own
     * unpacking writes a new randomly named copy per process and leaves it behind when the process
     * is killed. Written to a temporary name and renamed, so a reader never sees a partial file.
     *
     * <p>From a jar, the CRC and size come from the jar's directory, and a copy already there is
     * checked against them (its size, then its CRC-32, computed natively): nothing is inflated or
     * hashed in Java at each start. Hashing the 1.1 MB library with SHA-256 and comparing it byte
     * by byte made every history command's start hotter (BENCHMARKS.md "The history's SQLite
     * library"), and under the e2e VM's emulated CPU two of the three JVM crashes seen starting
     * {@code listen --history} were in those loops' freshly compiled code. The check
     * guards against a damaged copy, not an attacker: only root (or we) can write in this
     * directory ({@link #ensureSafe}).
     *
     * @param dir the verified extraction directory
     * @return the file name in {@code dir}
     * @throws UnsafeNativeDirException when the library is not on the class path or cannot be written
     */
    static String unpackSqlite(Path dir) {
        String resource = sqliteResource();
        ClassLoader cl = NativeDir.class.getClassLoader();
        URL url = cl == null ? ClassLoader.getSystemResource(resource) : cl.getResource(resource);
        if (url == null) {
            throw new UnsafeNativeDirException("no " + resource + " on the class path (sqlite-jdbc missing, or no build for " + sqliteArch() + ")");
        }
        try {
            URLConnection c = url.openConnection();
            if (c instanceof JarURLConnection jar) {
                // Not the shared cache: it would keep the jar open, and its directory in memory, for good.
                jar.setUseCaches(false);
                try (JarFile file = jar.getJarFile()) {
                    JarEntry e = jar.getJarEntry();
                    return unpackSqlite(dir, e.getCrc(), e.getSize(), () -> read(file.getInputStream(e)));
                }
            }
            byte[] lib = read(c.getInputStream());
            return unpackSqlite(dir, crc32(lib), lib.length, () -> lib);
        } catch (IOException e) {
            throw new UnsafeNativeDirException("cannot unpack " + resource + " into " + dir + ": " + e.getMessage());
        }
    }

    /** @return sqlite-jdbc's class-path resource of its library for this machine (its own arch names) */
    static String sqliteResource() {
        return "org/sqlite/native/Linux/" + sqliteArch() + "/" + SQLITE_LIBRARY;
    }

    private static String sqliteArch() {
        return System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
    }

    /** The library's bytes, read only when no good copy is there yet. */
    @FunctionalInterface
    private interface Content {
        byte[] read() throws IOException;
    }

    private static String unpackSqlite(Path dir, long crc, long size, Content content) throws IOException {
        String name = String.format("libsqlitejdbc-%08x-%d.so", crc, size);
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == size
                && crc32(Files.readAllBytes(target)) == crc) {
            return name;
        }
        byte[] lib = content.read();
        if (crc < 0 || lib.length != size || crc32(lib) != crc) {
            throw new IOException("its content does not match the jar's CRC-32 and size");
        }
        Path tmp = Files.createTempFile(dir, ".libsqlitejdbc-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Files.write(tmp, lib);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return name;
    }

    private static byte[] read(InputStream stream) throws IOException {
        try (InputStream in = stream) {
            return in.readAllBytes();
        }
    }

    private static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }

    /**
     * The extraction directories to try, in order. Root gets {@code /var/cache/dmaudit} only: the
     * environment of a root process may come from an unprivileged user ({@code su} without
     * {@code -}, {@code sudo -E}), so it never names root's directory.
     *
     * @param uid           the effective uid
     * @param xdgRuntimeDir the value of {@code XDG_RUNTIME_DIR}, or null; used only for uid ≠ 0 and when absolute
     * @return the candidate directories, possibly empty
     */
    static List<Path> candidates(int uid, String xdgRuntimeDir) {
        if (uid == 0) {
            return List.of(ROOT_CACHE);
        }
        if (xdgRuntimeDir != null && xdgRuntimeDir.startsWith("/")) {
            return List.of(Path.of(xdgRuntimeDir, "dmaudit"));
        }
        return List.of();
    }

    /**
     * Makes {@code dir} an extraction directory: checks its parent with {@link TrustedPath}, creates
     * {@code dir} with mode 0700 when missing, then checks {@code dir} itself (owned by {@code uid}).
     *
     * @param dir the directory, absolute
     * @param uid the effective uid
     * @return null when it is safe to unpack into and load from, else the reason it is refused
     */
    static String ensureSafe(Path dir, int uid) {
        if (!dir.isAbsolute() || dir.getParent() == null) {
            return "not an absolute path below /";
        }
        String why = TrustedPath.check(dir.getParent(), uid, false);
        if (why != null) {
            return why;
        }
        try {
            // By path: safe because the parent was just verified writable by root (or us) only.
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // Checked below, whatever it is.
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot create: " + e.getMessage();
        }
        return TrustedPath.check(dir, uid, true);
    }

    /**
     * @param path a JNA search path (entries separated by ':'), or null
     * @param uid  the effective uid
     * @return null when every entry is an absolute directory that passes {@link TrustedPath}, else why not
     */
    static String searchPathRefusal(String path, int uid) {
        if (path == null) {
            return null;
        }
        for (String entry : path.split(":")) {
            String why = entry.startsWith("/") ? TrustedPath.check(Path.of(entry), uid, false) : "not an absolute path";
            if (why != null) {
                return entry + ": " + why;
            }
        }
        return null;
    }

    /**
     * Creates a new 0700 directory with a random name under {@code tmp}, checks it with the
     * sticky-directory rule and, when it passes, makes it {@code jna.tmpdir} (deleted at exit).
     *
     * @param tmp the temporary directory (java.io.tmpdir, a system property, not the environment)
     * @param uid the effective uid (not 0: root never uses this)
     * @return null when chosen, else why not
     */
    private static String freshPrivateDirectory(Path tmp, int uid) {
        String why = TrustedPath.checkOutputDirectory(tmp, uid);
        if (why != null) {
            return why;
        }
        Path d;
        try {
            d = Files.createTempDirectory(tmp, "dmaudit-jna-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            return tmp + ": cannot create a private directory: " + e.getMessage();
        }
        why = TrustedPath.checkPrivateUnderSticky(d, uid);
        if (why != null) {
            return why;
        }
        d.toFile().deleteOnExit(); // registered before JNA's files, so deleted after them
        System.setProperty(PROPERTY, d.toString());
        chosen = d + " (new private directory)";
        return null;
    }

    /**
     * Checks an installed native directory and the files JNA will load from it.
     *
     * @param dir the directory
     * @param uid the effective uid
     * @return null when it is safe, else the reason
     */
    static String checkInstalled(Path dir, int uid) {
        if (!dir.isAbsolute()) {
            return "not an absolute path";
        }
        String why = TrustedPath.check(dir, uid, false);
        if (why != null) {
            return why;
        }
        for (String f : INSTALLED_FILES) {
            Path p = dir.resolve(f);
            why = installedFileRefusal(p, uid);
            if (why != null) {
                return p + ": " + why;
            }
        }
        return null;
    }

    /**
     * @param p   a library in a verified installed directory
     * @param uid the effective uid
     * @return null when it is a regular file of root (or us) nobody else can write, else why not
     */
    private static String installedFileRefusal(Path p, int uid) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // The directory's chain is verified, so nobody but root (or us) can swap p after this.
            return a.isRegularFile() ? TrustedPath.refusal(a, uid, false) : "not a regular file";
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "cannot inspect: " + TrustedPath.reason(e);
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
