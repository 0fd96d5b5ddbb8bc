package dev.dmaudit.dm;

import java.util.Arrays;

/** The external tools this package drives, with the Debian package that provides each. */
public enum Tool {
    /** Device-mapper control: ls, info, table, status. */
    DMSETUP("dmsetup", "dmsetup"),
    /** dm-integrity setup: format, open, close, status, dump. */
    INTEGRITYSETUP("integritysetup", "cryptsetup-bin");

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
