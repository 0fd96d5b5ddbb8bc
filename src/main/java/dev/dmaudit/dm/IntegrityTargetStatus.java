package dev.dmaudit.dm;

import java.util.OptionalLong;

/**
 * Status of an {@code integrity} target: {@code <mismatches> <provided_data_sectors> <recalc_sector|->}.
 *
 * @param mismatches           integrity mismatches counted since activation
 * @param providedDataSectors  usable data sectors
 * @param recalculatePosition  sector up to which tags were recalculated; empty when not recalculating
 */
public record IntegrityTargetStatus(long mismatches, long providedDataSectors, OptionalLong recalculatePosition)
        implements TargetStatus {
}
