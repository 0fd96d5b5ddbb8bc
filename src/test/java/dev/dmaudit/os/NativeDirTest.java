package dev.dmaudit.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 18 on where root loads native code from, performed on real directories:
 * a user-owned parent, planted symlinks, directories and files pre-created by another uid (4242,
 * made with chown: needs root), a hostile environment. The trees live under target/ because every
 * component above them must be root-only for anything to pass; /tmp is world-writable.
 */
class NativeDirTest {
    /** A throwaway uid that no one on the machine uses. */
    private static final int OTHER = 4242;

    private Path base;

    private static int uid() {
        return NativeDir.effectiveUid();
    }

    @BeforeEach
    void trustedBase() throws IOException {
        base = TrustedTree.create("nativedir-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        TrustedTree.delete(base);
    }

    private static void assumeRoot() {
        assumeTrue(uid() == 0, "needs root to chown files to another uid (" + OTHER + ")");
    }

    private static Path dir(Path p, String mode, int owner) throws IOException {
        Files.createDirectory(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        Files.setAttribute(p, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
        return p;
    }

    @Test
    void createsAMissingDirectoryWithMode0700() throws Exception {
        Path d = base.resolve("dmaudit");
        assertThat(NativeDir.ensureSafe(d, uid())).isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
        assertThat(NativeDir.ensureSafe(d, uid())).as("existing safe dir").isNull();
    }

    @Test
    void refusesGroupOrWorldWritable() throws Exception {
        Path d = Files.createDirectory(base.resolve("open"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(NativeDir.ensureSafe(d, uid())).contains("writable");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(NativeDir.ensureSafe(d, uid())).contains("writable");
        // A sticky world-writable parent (/tmp) does not help: anyone can create the name first.
        assertThat(NativeDir.ensureSafe(Path.of("/tmp/dmaudit-never-created"), uid())).contains("/tmp: group- or world-writable");
    }

    @Test
    void refusesFilesAndMissingParents() throws Exception {
        Path file = Files.createFile(base.resolve("file"));
        assertThat(NativeDir.ensureSafe(file, uid())).contains("not a directory");
        assertThat(NativeDir.ensureSafe(base.resolve("missing/parent"), uid())).contains("does not exist");
        assertThat(NativeDir.ensureSafe(Path.of("relative"), uid())).contains("absolute");
    }

    @Test
    void rootRefusesJnaSearchPathsOthersCanChange() throws Exception {
        assumeRoot();
        // jna.boot.library.path, jna.library.path or jna.platform.library.path set through DMAUDIT_JAVA_OPTS by a user.
        Path user = dir(base.resolve("user-lib"), "rwxr-xr-x", OTHER);
        Path good = dir(base.resolve("lib"), "rwxr-xr-x", 0);
        assertThat(NativeDir.searchPathRefusal(good.toString(), 0)).isNull();
        assertThat(NativeDir.searchPathRefusal(good + ":" + user, 0)).isEqualTo(user + ": " + user + ": owned by " + OTHER + ", not uid 0");
        assertThat(NativeDir.searchPathRefusal("lib", 0)).isEqualTo("lib: not an absolute path");
        assertThat(NativeDir.searchPathRefusal(null, 0)).isNull();
    }

    @Test
    void jnaPlatformSearchPathIsTheSystemDirectories() {
        assertThat(NativeDir.platformSearchPath("amd64"))
                .isEqualTo("/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/lib:/lib");
        assertThat(NativeDir.platformSearchPath("aarch64")).startsWith("/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu:");
        assertThat(NativeDir.platformSearchPath("riscv64")).isEqualTo("/usr/lib64:/lib64:/usr/lib:/lib");
    }

    @Test
    void rootNeverTakesADirectoryFromTheEnvironment() {
        // su without '-' and sudo -E keep a user's XDG_RUNTIME_DIR: root must not unpack there.
        assertThat(NativeDir.candidates(0, "/run/user/1000")).containsExactly(Path.of("/var/cache/dmaudit"));
        assertThat(NativeDir.candidates(0, null)).containsExactly(Path.of("/var/cache/dmaudit"));
        assertThat(NativeDir.candidates(1000, "/run/user/1000")).containsExactly(Path.of("/run/user/1000/dmaudit"));
        assertThat(NativeDir.candidates(1000, "relative")).isEmpty();
    }

    @Test
    void refusesARootOwnedDirectoryUnderAHostileUserOwnedParent() throws Exception {
        assumeRoot();
        // The reported race: the user owns the parent, so they can rename root's fresh directory
        // away and put their own (with their library) in its place after any check of the last one.
        Path hostile = dir(base.resolve("run-user"), "rwxr-xr-x", OTHER);
        Path d = dir(hostile.resolve("dmaudit"), "rwx------", 0);
        assertThat(NativeDir.ensureSafe(d, 0)).isEqualTo(hostile + ": owned by " + OTHER + ", not uid 0");
        assertThat(NativeDir.ensureSafe(hostile.resolve("fresh"), 0)).as("not even created there")
                .contains("owned by " + OTHER);
        assertThat(hostile.resolve("fresh")).doesNotExist();
    }

    @Test
    void followsARootOwnedSymlinkOnlyWhenEveryTargetComponentPasses() throws Exception {
        assumeRoot();
        // systemd's DynamicUser=yes + CacheDirectory= leave /var/cache/dmaudit -> private/dmaudit.
        Path cache = dir(base.resolve("cache"), "rwxr-xr-x", 0);
        dir(dir(cache.resolve("private"), "rwx------", 0).resolve("dmaudit"), "rwxr-xr-x", 0);
        Path link = Files.createSymbolicLink(cache.resolve("dmaudit"), Path.of("private/dmaudit"));
        assertThat(NativeDir.ensureSafe(link, 0)).as("systemd's layout").isNull();

        // The same root-owned link planted to a target under a user-owned directory.
        Path hostile = dir(base.resolve("hostile"), "rwxr-xr-x", OTHER);
        dir(hostile.resolve("lib"), "rwx------", 0);
        Path planted = Files.createSymbolicLink(cache.resolve("planted"), Path.of("../hostile/lib"));
        assertThat(NativeDir.ensureSafe(planted, 0)).isEqualTo(hostile + ": owned by " + OTHER + ", not uid 0");
        Path absolute = Files.createSymbolicLink(cache.resolve("absolute"), hostile.resolve("lib"));
        assertThat(NativeDir.ensureSafe(absolute, 0)).contains("owned by " + OTHER);

        // A link owned by another uid, even to a good target.
        Path theirs = Files.createSymbolicLink(cache.resolve("theirs"), Path.of("private/dmaudit"));
        Files.setAttribute(theirs, "unix:uid", OTHER, LinkOption.NOFOLLOW_LINKS);
        assertThat(NativeDir.ensureSafe(theirs, 0)).isEqualTo(theirs + ": symbolic link owned by " + OTHER + ", not uid 0");

        // A link to a directory another uid owns.
        dir(cache.resolve("users"), "rwx------", OTHER);
        Path toUsers = Files.createSymbolicLink(cache.resolve("to-users"), Path.of("users"));
        assertThat(NativeDir.ensureSafe(toUsers, 0)).contains("owned by " + OTHER);

        Path loop = Files.createSymbolicLink(cache.resolve("loop"), Path.of("loop"));
        assertThat(NativeDir.ensureSafe(loop, 0)).contains("more than 40 symbolic links");
    }

    @Test
    void refusesADirectoryPreCreatedByAnotherUid() throws Exception {
        assumeRoot();
        Path d = dir(base.resolve("dmaudit"), "rwx------", OTHER);
        assertThat(NativeDir.ensureSafe(d, 0)).isEqualTo(d + ": owned by " + OTHER + ", not uid 0");
        // Root-owned but writable by the group: a group member could drop a jna*.tmp.
        Path g = dir(base.resolve("group"), "rwxrwx---", 0);
        assertThat(NativeDir.ensureSafe(g, 0)).contains("group- or world-writable");
    }

    @Test
    void installedDirectoryNeedsRootOnlyDirectoriesAndFiles() throws Exception {
        assumeRoot();
        Path lib = dir(base.resolve("lib"), "rwxr-xr-x", 0);
        Path nat = dir(lib.resolve("native"), "rwxr-xr-x", 0);
        assertThat(NativeDir.checkInstalled(nat, 0)).isEqualTo(nat.resolve("libjnidispatch.so") + ": missing");
        for (String f : NativeDir.INSTALLED_FILES) {
            Files.write(nat.resolve(f), new byte[] {0x7f, 'E', 'L', 'F'});
            Files.setPosixFilePermissions(nat.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
        }
        assertThat(NativeDir.checkInstalled(nat, 0)).isNull();

        // A library pre-created by another uid, then one writable by the world, then a symlink.
        Path shim = nat.resolve("libdmaudit.so");
        Files.setAttribute(shim, "unix:uid", OTHER);
        assertThat(NativeDir.checkInstalled(nat, 0)).isEqualTo(shim + ": owned by " + OTHER + ", not uid 0");
        Files.setAttribute(shim, "unix:uid", 0);
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(NativeDir.checkInstalled(nat, 0)).contains("group- or world-writable");
        Files.delete(shim);
        Files.createSymbolicLink(shim, lib.resolve("elsewhere.so"));
        assertThat(NativeDir.checkInstalled(nat, 0)).isEqualTo(shim + ": not a regular file");

        // The installed directory's parent owned by another uid.
        Files.setAttribute(lib, "unix:uid", OTHER);
        assertThat(NativeDir.checkInstalled(nat, 0)).isEqualTo(lib + ": owned by " + OTHER + ", not uid 0");
    }

    /**
     * The whole path in a fresh JVM as root with a hostile environment: from the installed
     * directory JNA loads both libraries in place and unpacks nothing; in the development mode it
     * unpacks into /var/cache/dmaudit only; with an unsafe installed directory nothing is loaded.
     */
    @Test
    void rootLoadsOnlyFromVerifiedDirectoriesWhateverTheEnvironment() throws Exception {
        assumeRoot();
        Path home = dir(base.resolve("home"), "rwxr-xr-x", OTHER);
        Path nat = dir(base.resolve("native"), "rwxr-xr-x", 0);
        Path jna = Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path classes = Path.of(NativeDir.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String arch = Path.of(classes.toString()).resolve("linux-x86-64").toFile().isDirectory() ? "linux-x86-64" : "linux-aarch64";
        try (var z = new java.util.zip.ZipFile(jna.toFile())) {
            Files.copy(z.getInputStream(z.getEntry("com/sun/jna/" + arch + "/libjnidispatch.so")), nat.resolve("libjnidispatch.so"));
        }
        Files.copy(classes.resolve(arch + "/libdmaudit.so"), nat.resolve("libdmaudit.so"));

        String installed = probe(home, classes, jna, "-D" + NativeDir.INSTALLED_PROPERTY + "=" + nat);
        assertThat(installed).contains("chosen=" + nat + " (installed, nothing unpacked)")
                .contains("mapped " + nat.resolve("libjnidispatch.so"))
                .contains("mapped " + nat.resolve("libdmaudit.so"));
        assertThat(home.resolve(".cache")).doesNotExist();

        String dev = probe(home, classes, jna);
        assertThat(dev).contains("chosen=/var/cache/dmaudit").containsPattern("mapped /var/cache/dmaudit/\\S*jna")
                .contains("process reaper=false"); // JNA ran no `ldconfig -p`
        assertThat(home.resolve(".cache")).doesNotExist();

        Files.setAttribute(nat, "unix:uid", OTHER);
        assertThat(probe(home, classes, jna, "-D" + NativeDir.INSTALLED_PROPERTY + "=" + nat))
                .contains("UnsafeNativeDirException: refusing to load native code: " + NativeDir.INSTALLED_PROPERTY + "=" + nat
                        + ": " + nat + ": owned by " + OTHER).doesNotContain("mapped");
    }

    @Test
    void sqliteLibraryIsCopiedOnceUnderItsCrcAndSizeAndADamagedCopyIsReplaced() throws Exception {
        Path d = base.resolve("dmaudit");
        assertThat(NativeDir.ensureSafe(d, uid())).isNull();
        String resource = NativeDir.sqliteResource();
        byte[] lib;
        try (var in = NativeDir.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the test class path (sqlite-jdbc's jar)").isNotNull();
            lib = in.readAllBytes();
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(lib);

        String name = NativeDir.unpackSqlite(d);
        assertThat(name).isEqualTo(String.format("libsqlitejdbc-%08x-%d.so", crc.getValue(), lib.length));
        Path copy = d.resolve(name);
        assertThat(Files.readAllBytes(copy)).isEqualTo(lib);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rwx------");

        // A good copy is taken as it is: not rewritten (same inode, same time).
        Object inode = Files.getAttribute(copy, "unix:ino");
        Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertThat(NativeDir.unpackSqlite(d)).isEqualTo(name);
        assertThat(Files.getAttribute(copy, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(copy).toMillis()).isEqualTo(1_000_000_000_000L);

        // A damaged copy of the same size is replaced by a whole one; no temporary file stays behind.
        byte[] damaged = lib.clone();
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(copy, damaged);
        assertThat(NativeDir.unpackSqlite(d)).isEqualTo(name);
        assertThat(Files.readAllBytes(copy)).isEqualTo(lib);
        try (var files = Files.list(d)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(name);
        }
    }

    private static String probe(Path home, Path classes, Path jna, String... props) throws Exception {
        Path testClasses = Path.of(NativeDirProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-cp", testClasses + ":" + classes + ":" + jna, NativeDirProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        pb.environment().put("XDG_RUNTIME_DIR", home.toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
