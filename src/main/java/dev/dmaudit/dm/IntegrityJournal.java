package dev.dmaudit.dm;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Journal part of {@code integritysetup status}.
 *
 * @param active           false when the status says {@code journal: not active} (bitmap or direct mode)
 * @param sizeBytes        journal size
 * @param watermarkPercent journal watermark
 * @param commitTimeMs     journal commit time
 */
public record IntegrityJournal(boolean active, OptionalLong sizeBytes, OptionalInt watermarkPercent,
                               OptionalLong commitTimeMs) {
    /** A journal that is not active. */
    public static final IntegrityJournal NONE =
            new IntegrityJournal(false, OptionalLong.empty(), OptionalInt.empty(), OptionalLong.empty());
}
