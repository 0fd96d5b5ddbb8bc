package dev.dmaudit.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory's entries with the inode number each entry names ({@code d_ino}) and its type, read
 * with getdents64(2): the inode number comes from the directory itself, so an entry whose inode
 * cannot be read (an I/O error: the damage being located) still names it, where lstat fails.
 */
public final class DirEntries {
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    /** d_type of a directory. */
    public static final int DT_DIR = 4;
    /** d_type of a regular file. */
    public static final int DT_REG = 8;
    /** d_type when the filesystem does not say. */
    public static final int DT_UNKNOWN = 0;

    /**
     * One entry.
     *
     * @param name  the name (bytes decoded as UTF-8; not a path component to trust blindly)
     * @param inode the inode number the entry names
     * @param type  d_type (DT_DIR, DT_UNKNOWN, …)
     */
    public record Entry(String name, long inode, int type) {
    }

    private DirEntries() {
    }

    private static final class C {
        static {
            DirectLibC.get(); // JNA's native directory chosen and checked first (NativeDir)
            Native.register(C.class, NativeLibrary.getInstance("c"));
        }

        static native int open(String path, int flags);

        static native long getdents64(int fd, Pointer buf, long len);

        static native int close(int fd);
    }

    /**
     * @param dir a directory (not followed if a symbolic link)
     * @return its entries without "." and ".."
     * @throws SyscallException naming open or getdents64 and the errno
     */
    public static List<Entry> list(String dir) throws SyscallException {
        int fd = C.open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            throw SyscallException.forErrno("open", Native.getLastError(), null, "CAP_DAC_READ_SEARCH");
        }
        List<Entry> out = new ArrayList<>();
        boolean read = false;
        try (Memory buf = new Memory(1 << 16)) {
            while (true) {
                long n = C.getdents64(fd, buf, buf.size());
                if (n < 0) {
                    throw SyscallException.forErrno("getdents64", Native.getLastError(), null, "CAP_DAC_READ_SEARCH");
                }
                if (n == 0) {
                    read = true;
                    return out;
                }
                for (long at = 0; at < n; ) {
                    long ino = buf.getLong(at);
                    int reclen = buf.getShort(at + 16) & 0xffff;
                    int type = buf.getByte(at + 18) & 0xff;
                    int len = 0;
                    while (at + 19 + len < at + reclen && buf.getByte(at + 19 + len) != 0) {
                        len++;
                    }
                    String name = new String(buf.getByteArray(at + 19, len), StandardCharsets.UTF_8);
                    if (!name.equals(".") && !name.equals("..")) {
                        out.add(new Entry(name, ino, type));
                    }
                    if (reclen <= 0) {
                        break;
                    }
                    at += reclen;
                }
            }
        } finally {
            // a failing close after a failed read must not hide that failure
            if (C.close(fd) < 0 && read) {
                throw SyscallException.forErrno("close", Native.getLastError(), null, "CAP_DAC_READ_SEARCH");
            }
        }
    }
}
