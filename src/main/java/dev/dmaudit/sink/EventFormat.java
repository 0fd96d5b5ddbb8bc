package dev.dmaudit.sink;

/** The event output formats of {@code decode} and {@code listen}. */
public enum EventFormat {
    /** One human line per event, untrusted text made visible. */
    TEXT,
    /** One JSON object per line (schema in README). */
    JSON,
    /** auditd log lines, readable by {@code ausearch -if}. */
    RAW
}
