package dev.dmaudit.event;

/** Device-mapper audit operations known today; unknown ones decode as {@link #OTHER}. */
public enum DmOp {
    /** Target constructed (any module). */
    CTR,
    /** Target destroyed (any module). */
    DTR,
    /** dm-integrity: keyed superblock MAC mismatch. */
    INTEGRITY_MAC_SUPERBLOCK,
    /** dm-integrity: journal MAC mismatch. */
    INTEGRITY_MAC_JOURNAL,
    /** dm-integrity: checksum mismatch while replaying the journal. */
    INTEGRITY_REPLAY_JOURNAL,
    /** dm-integrity: data checksum mismatch. */
    INTEGRITY_CHECKSUM,
    /** dm-integrity: journal checksum mismatch (journal mode, while the journal is read back). */
    INTEGRITY_JOURNAL_CHECKSUM,
    /** dm-crypt: AEAD authentication failure. */
    CRYPT_INTEGRITY_AEAD,
    /** dm-verity: data block hash mismatch. */
    VERITY_VERIFY_DATA,
    /** dm-verity: metadata (hash tree) block mismatch. */
    VERITY_VERIFY_METADATA,
    /** dm-verity: too many corrupted blocks. */
    VERITY_MAX_CORRUPTED_ERRORS,
    /** An op this version does not know. */
    OTHER;

    /**
     * @param module the module as logged
     * @param op     the op as logged
     * @return the known op, or {@link #OTHER}
     */
    public static DmOp of(String module, String op) {
        if (op == null) {
            return OTHER;
        }
        switch (op) {
            case "ctr":
                return CTR;
            case "dtr":
                return DTR;
            default:
                break;
        }
        if (module == null) {
            return OTHER;
        }
        return switch (module + "/" + op) {
            case "integrity/mac-superblock" -> INTEGRITY_MAC_SUPERBLOCK;
            case "integrity/mac-journal" -> INTEGRITY_MAC_JOURNAL;
            case "integrity/integrity-replay-journal" -> INTEGRITY_REPLAY_JOURNAL;
            case "integrity/integrity-checksum" -> INTEGRITY_CHECKSUM;
            case "integrity/journal-checksum" -> INTEGRITY_JOURNAL_CHECKSUM;
            case "crypt/integrity-aead" -> CRYPT_INTEGRITY_AEAD;
            case "verity/verify-data" -> VERITY_VERIFY_DATA;
            case "verity/verify-metadata" -> VERITY_VERIFY_METADATA;
            case "verity/max-corrupted-errors" -> VERITY_MAX_CORRUPTED_ERRORS;
            default -> OTHER;
        };
    }
}
