package dev.dmaudit.os;

import com.sun.jna.Memory;

/**
 * A file opened for appending by {@link #openAppend}: the descriptor and what {@code fstat} said
 * about it. The descriptor is the caller's to {@link #close()}.
 *
 * @param fd   the descriptor
 * @param mode st_mode (type and permission bits)
 * @param uid  st_uid
 * @param size st_size when opened
 */
public record OpenedFile(int fd, int mode, int uid, long size) implements AutoCloseable {
    /** S_IFMT: the file type bits of st_mode. */
    public static final int S_IFMT = 0170000;
    /** A regular file. */
    public static final int S_IFREG = 0100000;
    /** A character device. */
    public static final int S_IFCHR = 0020000;
    /** A FIFO. */
    public static final int S_IFIFO = 0010000;

    /**
     * Opens {@code path} with O_WRONLY|O_APPEND|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC (and with
     * {@code createNew} O_CREAT|O_EXCL, mode 0600), then fstat()s the descriptor.
     *
     * @param path      the file
     * @param createNew create it, failing with EEXIST when the name exists
     * @return the open file
     * @throws SyscallException naming {@code open} and the errno (ELOOP for a final symbolic link,
     *                          ENXIO for a FIFO without reader, EEXIST with {@code createNew})
     * @throws UnsafeNativeDirException when the native code cannot be loaded safely
     */
    public static OpenedFile openAppend(String path, boolean createNew) {
        LibC libc = DirectLibC.get();
        Memory st = new Memory(3 * Long.BYTES);
        int fd = libc.openAppend(path, createNew, st);
        if (fd < 0) {
            String call = createNew ? "open(O_CREAT|O_EXCL|O_NOFOLLOW|O_NONBLOCK)" : "open(O_NOFOLLOW|O_NONBLOCK)";
            throw SyscallException.forErrno(call, -fd, libc.strerror(-fd), "write access");
        }
        return new OpenedFile(fd, (int) st.getLong(0), (int) st.getLong(8), st.getLong(16));
    }

    /** @return the file type bits (S_IFREG, S_IFCHR, S_IFIFO, …) */
    public int type() {
        return mode & S_IFMT;
    }

    /** Closes the descriptor; a failing close(2) changes nothing for a descriptor only read by fstat. */
    @Override
    public void close() {
        DirectLibC.get().close(fd);
    }
}
