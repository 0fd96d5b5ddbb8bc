package dev.dmaudit.record;

/** How a field's value was written in the record text. */
public enum ValueKind {
    /** {@code key=value}, unquoted. */
    PLAIN,
    /** {@code key="value"}. */
    DOUBLE_QUOTED,
    /** {@code key='value with spaces'} (dm-audit's error_msg, user records' msg). */
    SINGLE_QUOTED,
    /** {@code key=414243}: an untrusted string the kernel hex-encoded (comm, exe, proctitle, …). */
    HEX,
    /** {@code key=(null)}. */
    NULL,
    /** {@code key=?}: the value is unknown or not applicable. */
    UNSET,
    /** {@code key=} with nothing after the equals sign. */
    EMPTY
}
