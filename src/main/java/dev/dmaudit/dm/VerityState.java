package dev.dmaudit.dm;

/** First field of a {@code verity} status. */
public enum VerityState {
    /** {@code V}: every block read so far verified. */
    VERIFIED,
    /** {@code C}: a corrupted block was found. */
    CORRUPTED;

    /**
     * @param code the status letter
     * @return the state, or null for an unknown letter
     */
    static VerityState ofCode(String code) {
        return switch (code) {
            case "V" -> VERIFIED;
            case "C" -> CORRUPTED;
            default -> null;
        };
    }
}
