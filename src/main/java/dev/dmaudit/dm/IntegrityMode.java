package dev.dmaudit.dm;

import java.util.Arrays;
import java.util.Optional;

/** dm-integrity operating mode: the letter in the table line and the integritysetup flag. */
public enum IntegrityMode {
    /** Writes go through the journal (the default). */
    JOURNAL('J', null),
    /** A bitmap tracks dirty regions instead of a journal. */
    BITMAP('B', "--integrity-bitmap-mode"),
    /** No journal: a crash may leave data and tags out of step. */
    DIRECT('D', "--integrity-no-journal"),
    /** Recovery: tags are not checked (open only). */
    RECOVERY('R', "--integrity-recovery-mode");

    private final char code;
    private final String flag;

    IntegrityMode(char code, String flag) {
        this.code = code;
        this.flag = flag;
    }

    /** @return true when {@code integritysetup format} can use the mode (all but recovery, open only) */
    public boolean formattable() {
        return this != RECOVERY;
    }

    /** @return the letter used in {@code dmsetup table} */
    public char code() {
        return code;
    }

    /** @return the integritysetup flag selecting this mode; empty for the default journal mode */
    public Optional<String> flag() {
        return Optional.ofNullable(flag);
    }

    /**
     * @param code a mode letter from a table line
     * @return the mode, or empty for an unknown letter
     */
    public static Optional<IntegrityMode> ofCode(String code) {
        return Arrays.stream(values()).filter(m -> code.length() == 1 && m.code == code.charAt(0)).findFirst();
    }
}
