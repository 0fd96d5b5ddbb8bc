package dev.dmaudit.dm;

/** The external tool is not installed (not found on PATH nor in the sbin folders). */
public final class ToolMissingException extends DmToolException {
    private static final long serialVersionUID = 1L;
    private final String tool;
    private final String debianPackage;

    /**
     * @param tool          command name, e.g. {@code dmsetup}
     * @param debianPackage Debian package that provides it
     */
    public ToolMissingException(String tool, String debianPackage) {
        super(tool + " not found: install the Debian package " + debianPackage);
        this.tool = tool;
        this.debianPackage = debianPackage;
    }

    /** @return the command name that was not found */
    public String tool() {
        return tool;
    }

    /** @return the Debian package that provides the tool */
    public String debianPackage() {
        return debianPackage;
    }
}
