package dev.dmaudit.dm;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Parsed {@code integritysetup status NAME}.
 *
 * @param path         the mapped path, e.g. {@code /dev/mapper/int1}
 * @param active       whether the device is active
 * @param inUse        whether it is open (e.g. by a crypt device above it)
 * @param type         {@code INTEGRITY}; "" when inactive
 * @param tagSize      tag bytes per sector
 * @param integrity    integrity algorithm; empty when {@code (none)} (the tags belong to dm-crypt AEAD)
 * @param device       backing device; "" when inactive
 * @param loop         backing file when the device is a loop device
 * @param sectorSize   sector size in bytes
 * @param sizeSectors  size in 512-byte sectors
 * @param mode         {@code read/write} or {@code readonly}; "" when inactive
 * @param failures     integrity failures (mismatches) since activation
 * @param journal      journal state
 * @param fields       every "key: value" line as printed, in order
 */
public record IntegrityDeviceStatus(String path, boolean active, boolean inUse, String type, OptionalInt tagSize,
                                    Optional<String> integrity, String device, Optional<String> loop,
                                    OptionalInt sectorSize, OptionalLong sizeSectors, String mode,
                                    OptionalLong failures, IntegrityJournal journal, Map<String, String> fields) {

    /** Copies the map so the record stays immutable (order is kept by the parser's copy). */
    public IntegrityDeviceStatus {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
