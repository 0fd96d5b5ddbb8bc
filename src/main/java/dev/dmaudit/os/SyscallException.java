package dev.dmaudit.os;

/**
 * A failed netlink operation: the syscall (or protocol step) that failed, the errno the kernel
 * gave, and a {@link Kind} a caller can act on without parsing text.
 */
public class SyscallException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms a caller can act on. */
    public enum Kind {
        /** EPERM/EACCES: missing root or CAP_AUDIT_READ / CAP_AUDIT_CONTROL. */
        PERMISSION,
        /** EPROTONOSUPPORT/EAFNOSUPPORT: the kernel has no audit (or no netlink) support. */
        UNSUPPORTED,
        /** ECONNREFUSED: audit answers only in the initial user/network namespace. */
        NOT_INITIAL_NAMESPACE,
        /** EEXIST on AUDIT_SET pid: another process is the registered audit daemon. */
        DAEMON_SLOT_TAKEN,
        /** ENOBUFS: the socket's receive buffer overflowed. */
        NO_BUFFER,
        /** The kernel did not answer a control request in time. */
        TIMEOUT,
        /** The socket was closed. */
        CLOSED,
        /** A reply that does not follow the protocol. */
        PROTOCOL,
        /** Any other errno. */
        OTHER
    }

    /** What went wrong, for callers that act on it. */
    private final Kind kind;
    /** The syscall or request that failed. */
    private final String syscall;
    /** The positive errno, or 0 when none applies. */
    private final int errno;

    /**
     * @param kind    the kind
     * @param syscall the syscall or request that failed, e.g. {@code "bind"} or {@code "AUDIT_SET"}
     * @param errno   the positive errno, or 0 when none applies
     * @param message the full message
     */
    public SyscallException(Kind kind, String syscall, int errno, String message) {
        super(message);
        this.kind = kind;
        this.syscall = syscall;
        this.errno = errno;
    }

    /**
     * The one way a failed native call becomes an exception: the syscall, the errno's name and the
     * C library's text for it, and the hint for its kind.
     *
     * @param libc     the C library (for strerror)
     * @param syscall  the syscall or request that failed
     * @param errno    the positive errno (the native layer's calls return it negated)
     * @param needsCap the capability the operation needs, named in the EPERM hint
     * @return the exception, to throw
     */
    public static SyscallException of(LibC libc, String syscall, int errno, String needsCap) {
        return forErrno(syscall, errno, libc.strerror(errno), needsCap);
    }

    /**
     * Builds the exception for an errno, with the standard hint for its kind.
     *
     * @param syscall   the syscall or request that failed
     * @param errno     the positive errno
     * @param strerror  the C library's text for it (may be null)
     * @param needsCap  the capability the operation needs, named in the EPERM hint
     * @return the exception
     */
    public static SyscallException forErrno(String syscall, int errno, String strerror, String needsCap) {
        Kind kind = kindOf(syscall, errno);
        String hint = switch (kind) {
            case PERMISSION -> "needs root or " + needsCap;
            case UNSUPPORTED -> "kernel built without audit (CONFIG_AUDIT)";
            case NOT_INITIAL_NAMESPACE -> "audit is only available in the initial user and network namespace";
            case DAEMON_SLOT_TAKEN -> "another process is registered as the audit daemon";
            case NO_BUFFER -> "receive buffer overflowed, records were lost";
            default -> null;
        };
        StringBuilder m = new StringBuilder(syscall).append(": ").append(Errno.name(errno));
        if (strerror != null && !strerror.isEmpty()) {
            m.append(" (").append(strerror).append(')');
        }
        if (hint != null) {
            m.append(": ").append(hint);
        }
        return new SyscallException(kind, syscall, errno, m.toString());
    }

    /**
     * Classifies an errno. EEXIST means a taken daemon slot only for AUDIT_SET requests; elsewhere
     * it is {@link Kind#OTHER}.
     *
     * @param syscall the syscall or request that failed
     * @param errno   the positive errno
     * @return its kind
     */
    static Kind kindOf(String syscall, int errno) {
        switch (errno) {
            case Errno.EPERM:
            case Errno.EACCES:
                return Kind.PERMISSION;
            case Errno.EPROTONOSUPPORT:
            case Errno.EAFNOSUPPORT:
                return Kind.UNSUPPORTED;
            case Errno.ECONNREFUSED:
                // From netlink audit it means another namespace; from the journal socket, no journald.
                return syscall.contains("journal socket") ? Kind.OTHER : Kind.NOT_INITIAL_NAMESPACE;
            case Errno.EEXIST:
                return syscall.startsWith("AUDIT_SET") ? Kind.DAEMON_SLOT_TAKEN : Kind.OTHER;
            case Errno.ENOBUFS:
                return Kind.NO_BUFFER;
            default:
                return Kind.OTHER;
        }
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /** @return the syscall or request that failed */
    public String syscall() {
        return syscall;
    }

    /** @return the positive errno, or 0 */
    public int errno() {
        return errno;
    }

    /** @return the errno's name, e.g. {@code "EPERM"}, or {@code ""} when there is none */
    public String errnoName() {
        return errno == 0 ? "" : Errno.name(errno);
    }
}
