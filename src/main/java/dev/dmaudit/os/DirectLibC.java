package dev.dmaudit.os;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** {@link LibC} over JNA direct mapping ({@code Native.register}) of libc and the dmaudit shim. */
public final class DirectLibC implements LibC {
    /** The ABI version the shim must report (DMAUDIT_ABI_VERSION in dmaudit.h). */
    public static final int SHIM_ABI = 3;
    /** setpriority/getpriority: {@code who} is a process (on Linux: a thread) id. */
    private static final int PRIO_PROCESS = 0;

    /** The loaded instance, null until {@link #get()} succeeds. */
    private static volatile DirectLibC instance;

    /** Use {@link #get()}. */
    private DirectLibC() {
    }

    /**
     * Loads libc and the shim once (after choosing a safe JNA extraction directory).
     *
     * @return the instance
     * @throws UnsatisfiedLinkError when the shim is missing or stale
     */
    public static DirectLibC get() {
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

        /** Forces class initialisation, which registers the natives. */
        static void init() {
            // Class initialisation does the registration.
        }

        /**
         * socket(2).
         *
         * @param domain   address family, e.g. AF_NETLINK
         * @param type     socket type and flags, e.g. SOCK_RAW | SOCK_CLOEXEC
         * @param protocol protocol, e.g. NETLINK_AUDIT
         * @return the new descriptor, or -1
         */
        static native int socket(int domain, int type, int protocol);

        /**
         * bind(2).
         *
         * @param fd      the socket
         * @param addr    the address ({@code struct sockaddr_nl})
         * @param addrLen its size
         * @return 0, or -1
         */
        static native int bind(int fd, Pointer addr, int addrLen);

        /**
         * getsockname(2).
         *
         * @param fd      the socket
         * @param addr    receives the bound address
         * @param addrLen in: the size of {@code addr}; out: the address length
         * @return 0, or -1
         */
        static native int getsockname(int fd, Pointer addr, Pointer addrLen);

        /**
         * setsockopt(2).
         *
         * @param fd       the socket
         * @param level    option level, e.g. SOL_NETLINK
         * @param option   the option, e.g. NETLINK_ADD_MEMBERSHIP
         * @param value    the option value
         * @param valueLen its size
         * @return 0, or -1
         */
        static native int setsockopt(int fd, int level, int option, Pointer value, int valueLen);

        /**
         * recvfrom(2).
         *
         * @param fd      the socket
         * @param buf     where the datagram goes
         * @param len     the size of {@code buf}
         * @param flags   e.g. MSG_DONTWAIT | MSG_TRUNC
         * @param addr    receives the sender's address
         * @param addrLen in: the size of {@code addr}; out: the address length
         * @return the datagram length (with MSG_TRUNC its real length, even when larger than {@code len}),
         *         or -1
         */
        static native long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, Pointer addrLen);

        /**
         * sendto(2).
         *
         * @param fd      the socket
         * @param buf     the message
         * @param len     its length
         * @param flags   send flags
         * @param addr    the destination address
         * @param addrLen its size
         * @return the bytes sent, or -1
         */
        static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen);

        /**
         * poll(2).
         *
         * @param fds     an array of {@code struct pollfd}
         * @param nfds    how many entries it has
         * @param timeout the longest wait in milliseconds; negative waits forever
         * @return how many descriptors are ready, 0 on timeout, or -1
         */
        static native int poll(Pointer fds, long nfds, int timeout);

        /**
         * eventfd(2).
         *
         * @param initval the initial counter value
         * @param flags   e.g. EFD_CLOEXEC | EFD_NONBLOCK
         * @return the new descriptor, or -1
         */
        static native int eventfd(int initval, int flags);

        /**
         * write(2).
         *
         * @param fd  the descriptor
         * @param buf the bytes
         * @param len how many
         * @return the bytes written, or -1
         */
        static native long write(int fd, Pointer buf, long len);

        /**
         * close(2).
         *
         * @param fd the descriptor
         * @return 0, or -1
         */
        static native int close(int fd);

        /**
         * setpriority(2).
         *
         * @param which PRIO_PROCESS (0)
         * @param who   0 for the calling thread, or a thread id
         * @param prio  the nice value
         * @return 0, or -1
         */
        static native int setpriority(int which, int who, int prio);

        /**
         * getpriority(2).
         *
         * @param which PRIO_PROCESS (0)
         * @param who   0 for the calling thread, or a thread id
         * @return the nice value, or -1 (also a valid nice value: check errno)
         */
        static native int getpriority(int which, int who);

        /**
         * connect(2).
         *
         * @param fd      the socket
         * @param addr    the peer address
         * @param addrLen its size
         * @return 0, or -1
         */
        static native int connect(int fd, Pointer addr, int addrLen);

        /**
         * sendmsg(2).
         *
         * @param fd    the socket
         * @param msg   a {@code struct msghdr}
         * @param flags send flags
         * @return the bytes sent, or -1
         */
        static native long sendmsg(int fd, Pointer msg, int flags);

        /**
         * memfd_create(2) (glibc 2.27 and later).
         *
         * @param name  a name for /proc
         * @param flags MFD_* flags
         * @return the new descriptor, or -1
         */
        static native int memfd_create(String name, int flags);

        /**
         * fcntl(2), called with one int argument: the variadic int is passed as a fixed one, which
         * the x86-64 and AArch64 Linux calling conventions treat alike.
         *
         * @param fd  the descriptor
         * @param cmd the command
         * @param arg its argument
         * @return the command's result, or -1
         */
        static native int fcntl(int fd, int cmd, int arg);

        /**
         * strerror(3).
         *
         * @param errnum an errno
         * @return a pointer to the C library's text for it
         */
        static native Pointer strerror(int errnum);
    }

    /**
     * Direct-mapped shim: by absolute path from the installed native directory, else from the
     * jar's linux-ARCH/libdmaudit.so (unpacked into the verified {@code jna.tmpdir}).
     */
    private static final class Shim {
        static {
            String installed = NativeDir.installedLibrary("libdmaudit.so");
            // The class loader: in a development checkout the shim is a class-path resource.
            Native.register(Shim.class, NativeLibrary.getInstance(installed != null ? installed : "dmaudit",
                    Shim.class.getClassLoader()));
        }

        /** Forces class initialisation, which registers the natives. */
        static void init() {
            // Class initialisation does the registration.
        }

        /** @return the shim's DMAUDIT_ABI_VERSION, checked against {@link DirectLibC#SHIM_ABI} */
        static native int dmaudit_abi_version();

        /**
         * dmaudit_set_rcvbuf: SO_RCVBUFFORCE, or SO_RCVBUF (capped by net.core.rmem_max) when that
         * is refused with EPERM.
         *
         * @param fd        the socket
         * @param bytes     the wanted receive buffer
         * @param effective a 4-byte int that receives the kernel's effective SO_RCVBUF, or null
         * @return 1 forced, 0 capped by rmem_max, -errno on failure
         */
        static native int dmaudit_set_rcvbuf(int fd, int bytes, Pointer effective);

        /**
         * dmaudit_attach_filter: attaches a classic BPF program (SO_ATTACH_FILTER).
         *
         * @param fd    the socket
         * @param insns the program, {@code struct sock_filter} entries in host byte order
         * @param count how many instructions
         * @return 0, or -errno
         */
        static native int dmaudit_attach_filter(int fd, Pointer insns, int count);

        /**
         * dmaudit_open_append: open(O_WRONLY|O_APPEND|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC
         * [|O_CREAT|O_EXCL], 0600) and fstat of the descriptor.
         *
         * @param path      the file
         * @param createNew 1 to create it (O_CREAT|O_EXCL), 0 to open an existing one
         * @param st        3 longs: st_mode, st_uid, st_size
         * @return the descriptor, or -errno
         */
        static native int dmaudit_open_append(String path, int createNew, Pointer st);
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        return orErrno(C.socket(domain, type, protocol));
    }

    @Override
    public int bind(int fd, Pointer addr, int addrLen) {
        return orErrno(C.bind(fd, addr, addrLen));
    }

    @Override
    public int getsockname(int fd, Pointer addr, Pointer addrLen) {
        return orErrno(C.getsockname(fd, addr, addrLen));
    }

    @Override
    public int setsockopt(int fd, int level, int option, Pointer value, int valueLen) {
        return orErrno(C.setsockopt(fd, level, option, value, valueLen));
    }

    @Override
    public long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, Pointer addrLen) {
        return orErrno(C.recvfrom(fd, buf, len, flags, addr, addrLen));
    }

    @Override
    public long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen) {
        return orErrno(C.sendto(fd, buf, len, flags, addr, addrLen));
    }

    @Override
    public int poll(Pointer fds, long nfds, int timeoutMillis) {
        return orErrno(C.poll(fds, nfds, timeoutMillis));
    }

    @Override
    public int eventfd(int initval, int flags) {
        return orErrno(C.eventfd(initval, flags));
    }

    @Override
    public long write(int fd, Pointer buf, long len) {
        return orErrno(C.write(fd, buf, len));
    }

    @Override
    public int close(int fd) {
        return orErrno(C.close(fd));
    }

    @Override
    public int setpriority(int who, int nice) {
        return orErrno(C.setpriority(PRIO_PROCESS, who, nice));
    }

    @Override
    public int getpriority(int who) {
        // The C library returns the nice value, so its -1 is a value unless errno says otherwise.
        Native.setLastError(0);
        int nice = C.getpriority(PRIO_PROCESS, who);
        int errno = Native.getLastError();
        return nice == -1 && errno != 0 ? -errno : 20 - nice;
    }

    /** The C convention (-1 and errno) to ours (-errno), errno read at once on this thread. */
    private static int orErrno(int r) {
        return r < 0 ? -Native.getLastError() : r;
    }

    private static long orErrno(long r) {
        return r < 0 ? -Native.getLastError() : r;
    }

    @Override
    public int connect(int fd, Pointer addr, int addrLen) {
        return orErrno(C.connect(fd, addr, addrLen));
    }

    @Override
    public long sendmsg(int fd, Pointer msg, int flags) {
        return orErrno(C.sendmsg(fd, msg, flags));
    }

    @Override
    public int memfdCreate(String name, int flags) {
        return orErrno(C.memfd_create(name, flags));
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        return orErrno(C.fcntl(fd, cmd, arg));
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

    @Override
    public int openAppend(String path, boolean createNew, Pointer st) {
        return Shim.dmaudit_open_append(path, createNew ? 1 : 0, st);
    }
}
