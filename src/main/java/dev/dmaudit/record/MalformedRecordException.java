package dev.dmaudit.record;

/**
 * The decoder's one exception: the input is not a well-formed netlink datagram, audit record or
 * audit.log line. No other exception escapes the decoder on bad input.
 */
public final class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    /**
     * @param message what is wrong
     * @param offset  byte or character offset in the input where it was noticed, or -1
     */
    public MalformedRecordException(String message, int offset) {
        super(offset >= 0 ? message + " at offset " + offset : message);
        this.offset = offset;
    }

    /** @return the offset where the problem was noticed, or -1 */
    public int offset() {
        return offset;
    }
}
