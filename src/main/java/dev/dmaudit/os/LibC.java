package dev.dmaudit.os;

import com.sun.jna.Pointer;

/**
 * The C library calls and shim functions the transport uses: a seam so tests can script errno
 * returns the live kernel does not produce on demand. {@link DirectLibC} is the real one.
 *
 * <p>One convention for every call, as the kernel's own system calls have: the result (zero or
 * more), or a negative errno on failure — never C's -1 with a separate errno to read later, which
 * another call on the thread could overwrite. {@link SyscallException#of} turns it into an
 * exception.
 */
public interface LibC {
    /**
     * socket(2).
     *
     * @param domain   address family, e.g. AF_NETLINK
     * @param type     socket type and flags, e.g. SOCK_RAW | SOCK_CLOEXEC
     * @param protocol protocol, e.g. NETLINK_AUDIT
     * @return the new descriptor, or -errno
     */
    int socket(int domain, int type, int protocol);

    /**
     * bind(2).
     *
     * @param fd      the socket
     * @param addr    the address ({@code struct sockaddr_nl})
     * @param addrLen its size
     * @return 0, or -errno
     */
    int bind(int fd, Pointer addr, int addrLen);

    /**
     * getsockname(2).
     *
     * @param fd      the socket
     * @param addr    receives the bound address
     * @param addrLen in: the size of {@code addr}; out: the address length
     * @return 0, or -errno
     */
    int getsockname(int fd, Pointer addr, Pointer addrLen);

    /**
     * setsockopt(2).
     *
     * @param fd       the socket
     * @param level    option level, e.g. SOL_NETLINK
     * @param option   the option, e.g. NETLINK_ADD_MEMBERSHIP
     * @param value    the option value
     * @param valueLen its size
     * @return 0, or -errno
     */
    int setsockopt(int fd, int level, int option, Pointer value, int valueLen);

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
     *         or -errno
     */
    long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, Pointer addrLen);

    /**
     * sendto(2).
     *
     * @param fd      the socket
     * @param buf     the message
     * @param len     its length
     * @param flags   send flags
     * @param addr    the destination address
     * @param addrLen its size
     * @return the bytes sent, or -errno
     */
    long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen);

    /**
     * poll(2).
     *
     * @param fds           an array of {@code struct pollfd}
     * @param nfds          how many entries it has
     * @param timeoutMillis the longest wait; negative waits forever
     * @return how many descriptors are ready, 0 on timeout, or -errno
     */
    int poll(Pointer fds, long nfds, int timeoutMillis);

    /**
     * eventfd(2).
     *
     * @param initval the initial counter value
     * @param flags   e.g. EFD_CLOEXEC | EFD_NONBLOCK
     * @return the new descriptor, or -errno
     */
    int eventfd(int initval, int flags);

    /**
     * write(2).
     *
     * @param fd  the descriptor
     * @param buf the bytes
     * @param len how many
     * @return the bytes written, or -errno
     */
    long write(int fd, Pointer buf, long len);

    /**
     * close(2).
     *
     * @param fd the descriptor
     * @return 0, or -errno
     */
    int close(int fd);

    /**
     * setpriority(2) with PRIO_PROCESS: on Linux, {@code who} 0 or a thread id names one thread.
     *
     * @param who  0 for the calling thread
     * @param nice the new nice value, -20..19
     * @return 0, or -errno
     */
    int setpriority(int who, int nice);

    /**
     * getpriority(2) with PRIO_PROCESS, as the system call returns it: nice values can be negative,
     * so success is {@code 20 - nice} (1..40).
     *
     * @param who 0 for the calling thread
     * @return 20 - nice, or -errno
     */
    int getpriority(int who);

    /**
     * strerror(3).
     *
     * @param errno an errno
     * @return the C library's text for it, or null
     */
    String strerror(int errno);

    /**
     * dmaudit_set_rcvbuf: SO_RCVBUFFORCE, or SO_RCVBUF (capped by net.core.rmem_max) when that
     * is refused with EPERM.
     *
     * @param fd        the socket
     * @param bytes     the wanted receive buffer
     * @param effective a 4-byte int that receives the kernel's effective SO_RCVBUF, or null
     * @return 1 forced, 0 capped by rmem_max, -errno on failure
     */
    int setReceiveBuffer(int fd, int bytes, Pointer effective);

    /**
     * dmaudit_attach_filter: attaches a classic BPF program (SO_ATTACH_FILTER).
     *
     * @param fd    the socket
     * @param insns the program, {@code struct sock_filter} entries in host byte order
     * @param count how many instructions
     * @return 0, or -errno
     */
    int attachFilter(int fd, Pointer insns, int count);

    /**
     * dmaudit_open_append: opens a file for appending without following a final link and without
     * blocking (a FIFO without reader fails with ENXIO), then fstat()s the descriptor.
     *
     * @param path      the file
     * @param createNew true: O_CREAT|O_EXCL with mode 0600; false: the file must exist
     * @param st        3 longs that receive st_mode, st_uid and st_size
     * @return the descriptor, or -errno
     */
    int openAppend(String path, boolean createNew, Pointer st);

    /**
     * connect(2).
     *
     * @param fd      the socket
     * @param addr    the peer address (e.g. {@code struct sockaddr_un})
     * @param addrLen its size
     * @return 0, or -errno
     */
    int connect(int fd, Pointer addr, int addrLen);

    /**
     * sendmsg(2).
     *
     * @param fd    the socket
     * @param msg   a {@code struct msghdr} (its name, iovec array and control buffer stay valid for the call)
     * @param flags send flags, e.g. MSG_NOSIGNAL
     * @return the bytes sent, or -errno
     */
    long sendmsg(int fd, Pointer msg, int flags);

    /**
     * memfd_create(2).
     *
     * @param name  a name for /proc (no path meaning)
     * @param flags e.g. MFD_CLOEXEC | MFD_ALLOW_SEALING
     * @return the new descriptor, or -errno
     */
    int memfdCreate(String name, int flags);

    /**
     * fcntl(2) with an int argument, e.g. F_ADD_SEALS.
     *
     * @param fd  the descriptor
     * @param cmd the command
     * @param arg its argument
     * @return the command's result (zero or more), or -errno
     */
    int fcntl(int fd, int cmd, int arg);
}
