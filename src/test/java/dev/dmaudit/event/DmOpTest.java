package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every DM audit op of mainline (drivers/md/dm-audit.c callers, docs/kernel-facts.md) is known. */
class DmOpTest {
    @ParameterizedTest
    @CsvSource({
        "integrity, ctr, CTR", "integrity, dtr, DTR", "crypt, ctr, CTR", "verity, dtr, DTR",
        "integrity, integrity-checksum, INTEGRITY_CHECKSUM",
        "integrity, journal-checksum, INTEGRITY_JOURNAL_CHECKSUM",
        "integrity, mac-superblock, INTEGRITY_MAC_SUPERBLOCK",
        "integrity, mac-journal, INTEGRITY_MAC_JOURNAL",
        "integrity, integrity-replay-journal, INTEGRITY_REPLAY_JOURNAL",
        "crypt, integrity-aead, CRYPT_INTEGRITY_AEAD",
        "verity, verify-data, VERITY_VERIFY_DATA",
        "verity, verify-metadata, VERITY_VERIFY_METADATA",
        "verity, max-corrupted-errors, VERITY_MAX_CORRUPTED_ERRORS",
        "crypt, verify-data, OTHER", "zoned, something-new, OTHER",
    })
    void mainlineOpsAreKnownAndOthersAreOther(String module, String op, DmOp expected) {
        assertThat(DmOp.of(module, op)).isEqualTo(expected);
    }
}
