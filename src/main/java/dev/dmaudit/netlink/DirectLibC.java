package dev.dmaudit.netlink;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** {@link LibC} over JNA direct mapping ({@code Native.register}) of libc and the dmaudit shim. */
final class DirectLibC implements LibC {
    /** The ABI version the shim must report (DMAUDIT_ABI_VERSION in dmaudit.h). */
    static final int SHIM_ABI = 2;

    private static volatile DirectLibC instance;

    private DirectLibC() {
    }

    /**
     * Loads libc and the shim once (after choosing a safe JNA extraction directory).
     *
     * @return the instance
     * @throws UnsatisfiedLinkError when the shim is missing or stale
     */
    static DirectLibC get() {
        DirectLibC i = instance;
        if (i == null) {
            synchronized (DirectLibC.class) {
                i = instance;
                if (i == null) {
                    NativeDir.prepare();
                    C.init();
                    Shim.init();
                    int abi = Shim.dmaudit_abi_version();
                    if (abi != SHIM_ABI) {
                        throw new UnsatisfiedLinkError("libdmaudit ABI " + abi + ", expected " + SHIM_ABI
                                + ": a stale shim is on the library path");
                    }
                    i = new DirectLibC();
                    instance = i;
                }
            }
        }
        return i;
    }

    /** Direct-mapped libc. */
    private static final class C {
        static {
            Native.register(C.class, NativeLibrary.getInstance("c"));
        }

        static void init() {
            // Class initialisation does the registration.
        }

        static native int socket(int domain, int type, int protocol);

        static native int bind(int fd, Pointer addr, int addrLen);

        static native int getsockname(int fd, Pointer addr, Pointer addrLen);

        static native int setsockopt(int fd, int level, int option, Pointer value, int valueLen);

        static native long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, Pointer addrLen);

        static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen);

        static native int poll(Pointer fds, long nfds, int timeout);

        static native int eventfd(int initval, int flags);

        static native long write(int fd, Pointer buf, long len);

        static native int close(int fd);

        static native Pointer strerror(int errnum);
    }

    /** Direct-mapped shim, loaded from the jar's linux-ARCH/libdmaudit.so. */
    private static final class Shim {
        static {
            Native.register(Shim.class, "dmaudit");
        }

        static void init() {
            // Class initialisation does the registration.
        }

        static native int dmaudit_abi_version();

        static native int dmaudit_set_rcvbuf(int fd, int bytes, Pointer effective);

        static native int dmaudit_attach_filter(int fd, Pointer insns, int count);
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        return C.socket(domain, type, protocol);
    }

    @Override
    public int bind(int fd, Pointer addr, int addrLen) {
        return C.bind(fd, addr, addrLen);
    }

    @Override
    public int getsockname(int fd, Pointer addr, Pointer addrLen) {
        return C.getsockname(fd, addr, addrLen);
    }

    @Override
    public int setsockopt(int fd, int level, int option, Pointer value, int valueLen) {
        return C.setsockopt(fd, level, option, value, valueLen);
    }

    @Override
    public long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, Pointer addrLen) {
        return C.recvfrom(fd, buf, len, flags, addr, addrLen);
    }

    @Override
    public long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen) {
        return C.sendto(fd, buf, len, flags, addr, addrLen);
    }

    @Override
    public int poll(Pointer fds, long nfds, int timeoutMillis) {
        return C.poll(fds, nfds, timeoutMillis);
    }

    @Override
    public int eventfd(int initval, int flags) {
        return C.eventfd(initval, flags);
    }

    @Override
    public long write(int fd, Pointer buf, long len) {
        return C.write(fd, buf, len);
    }

    @Override
    public int close(int fd) {
        return C.close(fd);
    }

    @Override
    public int errno() {
        return Native.getLastError();
    }

    @Override
    public String strerror(int errno) {
        Pointer p = C.strerror(errno);
        return p == null ? null : p.getString(0);
    }

    @Override
    public int setReceiveBuffer(int fd, int bytes, Pointer effective) {
        return Shim.dmaudit_set_rcvbuf(fd, bytes, effective);
    }

    @Override
    public int attachFilter(int fd, Pointer insns, int count) {
        return Shim.dmaudit_attach_filter(fd, insns, count);
    }
}
