package dev.dmaudit.netlink;

import com.sun.jna.Pointer;

/**
 * The C library calls and shim functions the transport uses: a seam so tests can script errno
 * returns the live kernel does not produce on demand. {@link DirectLibC} is the real one.
 * Calls follow C conventions: -1 (or a negative count) and {@link #errno()} on failure; the shim
 * functions return -errno directly.
 */
interface LibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, Pointer addr, int addrLen);

    int getsockname(int fd, Pointer addr, Pointer addrLen);

    int setsockopt(int fd, int level, int option, Pointer value, int valueLen);

    long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, Pointer addrLen);

    long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen);

    int poll(Pointer fds, long nfds, int timeoutMillis);

    int eventfd(int initval, int flags);

    long write(int fd, Pointer buf, long len);

    int close(int fd);

    /** @return errno of the last failed call on this thread */
    int errno();

    /** @param errno an errno @return the C library's text for it */
    String strerror(int errno);

    /** dmaudit_set_rcvbuf: 1 forced, 0 capped by rmem_max, -errno on failure. */
    int setReceiveBuffer(int fd, int bytes, Pointer effective);

    /** dmaudit_attach_filter: 0 or -errno. */
    int attachFilter(int fd, Pointer insns, int count);
}
