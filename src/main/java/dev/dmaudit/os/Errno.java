package dev.dmaudit.os;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Linux errno numbers (asm-generic numbering, the same on x86-64 and aarch64) for the errors a
 * netlink socket can report; their names are the constants' own names. Unknown numbers are named
 * {@code E<n>}.
 */
public final class Errno {
    /** Operation not permitted: missing root or an audit capability ({@link SyscallException.Kind#PERMISSION}). */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call; the call is retried. */
    public static final int EINTR = 4;
    /** No such device or address; opening a FIFO for writing with O_NONBLOCK when it has no reader. */
    public static final int ENXIO = 6;
    /** Input/output error. */
    public static final int EIO = 5;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable: nothing queued on a non-blocking socket. */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied ({@link SyscallException.Kind#PERMISSION}). */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists; on AUDIT_SET pid, another process is the audit daemon. */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in the system. */
    public static final int ENFILE = 23;
    /** Too many open files in this process. */
    public static final int EMFILE = 24;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Numerical result out of range. */
    public static final int ERANGE = 34;
    /** Too many levels of symbolic links; open with O_NOFOLLOW of a symbolic link. */
    public static final int ELOOP = 40;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Protocol error. */
    public static final int EPROTO = 71;
    /** Bad message. */
    public static final int EBADMSG = 74;
    /** Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol wrong type for socket. */
    public static final int EPROTOTYPE = 91;
    /** Protocol not available (unknown socket option). */
    public static final int ENOPROTOOPT = 92;
    /** Protocol not supported: the kernel has no NETLINK_AUDIT ({@link SyscallException.Kind#UNSUPPORTED}). */
    public static final int EPROTONOSUPPORT = 93;
    /** Socket type not supported. */
    public static final int ESOCKTNOSUPPORT = 94;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Protocol family not supported. */
    public static final int EPFNOSUPPORT = 96;
    /** Address family not supported: the kernel has no netlink ({@link SyscallException.Kind#UNSUPPORTED}). */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available: the receive buffer overflowed and datagrams were lost. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Timed out; also used when the kernel does not answer a control request in time. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused: audit answers only in the initial user and network namespace. */
    public static final int ECONNREFUSED = 111;
    /** Operation already in progress. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Operation canceled. */
    public static final int ECANCELED = 125;

    /** Names indexed by errno, filled from the constants; sized for the largest ({@link #ECANCELED}). */
    private static final String[] NAMES = new String[126];

    static {
        // The names are the constants above: one list, read once.
        for (Field f : Errno.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    NAMES[f.getInt(null)] = f.getName();
                } catch (IllegalAccessException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
    }

    /** Constants and {@link #name} only. */
    private Errno() {
    }

    /**
     * @param errno a positive errno value
     * @return its symbolic name, e.g. {@code "EPERM"}, or {@code "E<n>"} when not in the table
     */
    public static String name(int errno) {
        String n = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return n != null ? n : "E" + errno;
    }
}
