package dev.dmaudit.dm;

import java.util.OptionalLong;

/**
 * Status of a {@code verity} target: {@code V|C} and, on newer kernels, the FEC corrections or {@code -}.
 *
 * @param state        verified or corrupted
 * @param fecCorrected blocks corrected by forward error correction; empty without FEC
 */
public record VerityTargetStatus(VerityState state, OptionalLong fecCorrected) implements TargetStatus {
}
