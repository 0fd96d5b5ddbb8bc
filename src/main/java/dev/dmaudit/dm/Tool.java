package dev.dmaudit.dm;

import java.util.Arrays;

/** The external tools this package drives, with the Debian package that provides each. */
public enum Tool {
    /** Device-mapper control: ls, info, table, status. */
    DMSETUP("dmsetup", "dmsetup"),
    /** dm-integrity setup: format, open, close, status, dump. */
    INTEGRITYSETUP("integritysetup", "cryptsetup-bin"),
    /** ext2/3/4 debugger, read-only here: icheck, ncheck, stat, testb (locate). */
    DEBUGFS("debugfs", "e2fsprogs"),
    /** ext2/3/4 layout: superblocks, group descriptors, bitmaps, inode tables (locate). */
    DUMPE2FS("dumpe2fs", "e2fsprogs"),
    /** XFS I/O tool, read-only here: fsmap (GETFSMAP) on a mounted filesystem (locate). */
    XFS_IO("xfs_io", "xfsprogs"),
    /** XFS debugger, read-only here (-r): block use and inode paths (locate). */
    XFS_DB("xfs_db", "xfsprogs"),
    /** XFS space manager: {@code info} (the geometry xfs_info prints) of a mounted filesystem (locate). */
    XFS_SPACEMAN("xfs_spaceman", "xfsprogs");

    private final String command;
    private final String debianPackage;

    Tool(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    /** @return the command name, looked up in the sbin folders, then trusted PATH entries (ProcessCommandRunner.resolve) */
    public String command() {
        return command;
    }

    /** @return the Debian package that provides the command */
    public String debianPackage() {
        return debianPackage;
    }

    /**
     * @param command a command name or path
     * @return the Debian package for a known tool, else "providing " + the name
     */
    public static String debianPackageFor(String command) {
        String base = command.substring(command.lastIndexOf('/') + 1);
        return Arrays.stream(values()).filter(t -> t.command.equals(base)).findFirst()
                .map(Tool::debianPackage).orElse("providing " + base);
    }
}
