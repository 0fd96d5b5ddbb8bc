package dev.dmaudit.dm;

/** Whether key material in device-mapper tables is shown or replaced by {@link KeyRedactor#REDACTED}. */
public enum KeyDisplay {
    /** The default: keys never leave this package. */
    REDACT,
    /** Explicit opt-in ({@code --show-keys}): keys are passed through. */
    SHOW
}
