package dev.dmaudit.os;

/**
 * No directory is safe to load native code from (see {@link NativeDir}): nothing was loaded. The
 * message is one line naming the directory and component refused and why.
 */
public final class UnsafeNativeDirException extends SyscallException {
    private static final long serialVersionUID = 1L;

    /**
     * @param why which directory was refused and why, one line
     */
    public UnsafeNativeDirException(String why) {
        super(Kind.OTHER, "openat/fstat", 0, "refusing to load native code: " + why);
    }
}
