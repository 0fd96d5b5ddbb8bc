package dev.dmaudit.cli;

/** Output of the dm and integrity commands: for people, or one JSON object per line. */
public enum ToolFormat {
    /** {@code key=value} lines (or {@code key: value} for one object), untrusted text escaped. */
    TEXT,
    /** One JSON object per line, written by jackson's generator. */
    JSON
}
