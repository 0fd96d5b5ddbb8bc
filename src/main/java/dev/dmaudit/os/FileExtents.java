package dev.dmaudit.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file's data lies on its filesystem's device, read with the FIEMAP ioctl
 * (linux/fiemap.h, Documentation/filesystems/fiemap.rst): what {@code filefrag -v} and
 * {@code xfs_io -c fiemap} print, asked of the live, mounted filesystem, so it holds even while the
 * filesystem's log has changes that offline tools (xfs_db) cannot see.
 */
public final class FileExtents {
    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 04000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    /** _IOWR('f', 11, struct fiemap): the same number on every architecture's generic ioctl layout. */
    private static final long FS_IOC_FIEMAP = 0xC020660BL;
    private static final int HEADER = 32;
    private static final int EXTENT = 56;
    private static final int PER_CALL = 256;
    /** The last extent of the file. */
    public static final int LAST = 0x1;
    /** Location not known yet: no physical address. */
    public static final int UNKNOWN = 0x2;
    /** Delayed allocation: no physical address yet. */
    public static final int DELALLOC = 0x4;
    /** Allocated but not written (preallocated): reads return zeros. */
    public static final int UNWRITTEN = 0x800;

    /**
     * One extent.
     *
     * @param logical  byte offset in the file
     * @param physical byte offset on the filesystem's device (meaningless with UNKNOWN or DELALLOC)
     * @param length   bytes
     * @param flags    FIEMAP_EXTENT_* flags
     */
    public record Extent(long logical, long physical, long length, int flags) {
        /** @return whether the extent has a place on the device yet */
        public boolean placed() {
            return (flags & (UNKNOWN | DELALLOC)) == 0;
        }

        /** @return whether the device byte {@code at} lies in this extent */
        public boolean covers(long at) {
            return placed() && at >= physical && at - physical < length;
        }
    }

    private FileExtents() {
    }

    private static final class C {
        static {
            DirectLibC.get(); // JNA's native directory chosen and checked first (NativeDir)
            Native.register(C.class, NativeLibrary.getInstance("c"));
        }

        static native int open(String path, int flags);

        static native int ioctl(int fd, long request, Pointer arg);

        static native int close(int fd);
    }

    /**
     * @param path a regular file (not followed if a symbolic link; opened non-blocking, so a FIFO
     *             put in its place does not hang the caller: FIEMAP then fails)
     * @return its extents in file order
     * @throws SyscallException naming open or ioctl(FS_IOC_FIEMAP) and the errno (EOPNOTSUPP: the
     *                          filesystem has no FIEMAP)
     */
    public static List<Extent> of(String path) throws SyscallException {
        int fd = C.open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            throw SyscallException.forErrno("open", Native.getLastError(), null, "CAP_DAC_READ_SEARCH");
        }
        List<Extent> out = new ArrayList<>();
        try (Memory buf = new Memory(HEADER + (long) EXTENT * PER_CALL)) {
            long start = 0;
            while (true) {
                buf.clear();
                buf.setLong(0, start);
                buf.setLong(8, -1L); // FIEMAP_MAX_OFFSET: to the end
                buf.setInt(16, 0); // no FIEMAP_FLAG_SYNC: what is on the device now
                buf.setInt(24, PER_CALL);
                if (C.ioctl(fd, FS_IOC_FIEMAP, buf) < 0) {
                    throw SyscallException.forErrno("ioctl(FS_IOC_FIEMAP)", Native.getLastError(), null, "CAP_DAC_READ_SEARCH");
                }
                int mapped = buf.getInt(20);
                if (mapped == 0) {
                    return out;
                }
                Extent last = null;
                for (int i = 0; i < mapped; i++) {
                    long at = HEADER + (long) EXTENT * i;
                    last = new Extent(buf.getLong(at), buf.getLong(at + 8), buf.getLong(at + 16), buf.getInt(at + 40));
                    out.add(last);
                }
                if ((last.flags() & LAST) != 0 || last.length() <= 0) {
                    return out;
                }
                start = last.logical() + last.length();
            }
        } finally {
            C.close(fd); // read-only descriptor: nothing a failing close could lose
        }
    }
}
