package dev.dmaudit.api;

/**
 * The library's failure: the listener could not be opened or started. Its {@link Kind} is what a
 * caller acts on; the message names the system call and errno behind it (e.g.
 * {@code bind: EPERM (Operation not permitted): needs root or CAP_AUDIT_READ}).
 */
public final class DmAuditException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms a caller can act on. */
    public enum Kind {
        /** Missing root or a capability (CAP_AUDIT_READ, CAP_AUDIT_CONTROL, CAP_SYS_NICE). */
        PERMISSION,
        /** The kernel has no audit support. */
        UNSUPPORTED,
        /** Audit answers only in the initial user and network namespace. */
        NOT_INITIAL_NAMESPACE,
        /** Daemon mode: another process is the registered audit daemon. */
        DAEMON_SLOT_TAKEN,
        /** Anything else (the message says what). */
        OTHER
    }

    private final Kind kind;
    private final String errnoName;

    /**
     * @param kind      the kind
     * @param errnoName the errno's name, e.g. {@code EPERM}, or "" when none applies
     * @param message   the full message
     * @param cause     the underlying failure, or null
     */
    public DmAuditException(Kind kind, String errnoName, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errnoName = errnoName == null ? "" : errnoName;
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /** @return the errno's name, e.g. {@code EPERM}, or "" when none applies */
    public String errnoName() {
        return errnoName;
    }
}
