package dev.dmaudit.dm;

/** A device name or path was refused before any tool saw it. */
public final class InvalidDeviceNameException extends DmToolException {
    private static final long serialVersionUID = 1L;

    /** @param message one-line reason; callers quote the offending value with control characters escaped */
    public InvalidDeviceNameException(String message) {
        super(message);
    }
}
