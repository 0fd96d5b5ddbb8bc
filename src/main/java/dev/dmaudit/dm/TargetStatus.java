package dev.dmaudit.dm;

/** The parsed {@code dmsetup status} parameters of one segment, by target type. */
public sealed interface TargetStatus
        permits IntegrityTargetStatus, CryptTargetStatus, VerityTargetStatus, LinearTargetStatus, RawTargetStatus {
}
