package dev.dmaudit.sink;

/**
 * The one output format choice of every command: events ({@code listen}, {@code decode}) take all
 * three; the tables of {@code status}, {@code dm} and {@code integrity} take TEXT and JSON.
 */
public enum OutputFormat {
    /** One human line per event (or {@code key: value} lines), untrusted text made visible. */
    TEXT,
    /** One JSON object per line, written by Jackson's generator (schema in README). */
    JSON,
    /** auditd log lines, readable by {@code ausearch -if} (events only). */
    RAW
}
