package dev.dmaudit.dm;

/**
 * Base of every failure of the device-mapper tooling layer. Messages never carry key material and
 * stay on one line, so callers may print or log them as they are.
 */
public class DmToolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message one-line message without key material */
    public DmToolException(String message) {
        super(message);
    }

    /**
     * @param message one-line message without key material
     * @param cause   underlying failure
     */
    public DmToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
