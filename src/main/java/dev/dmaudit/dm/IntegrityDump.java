package dev.dmaudit.dm;

import java.util.List;
import java.util.Map;

/**
 * Parsed {@code integritysetup dump DEVICE}: the on-disk superblock.
 *
 * @param device              the device it was read from
 * @param superblockVersion   superblock format version
 * @param tagSize             tag bytes per sector
 * @param providedDataSectors usable data sectors
 * @param sectorSize          sector size in bytes
 * @param flags               superblock flags, e.g. {@code fix_padding}, {@code fix_hmac}
 * @param fields              every "key value" line as printed, in order
 */
public record IntegrityDump(String device, int superblockVersion, int tagSize, long providedDataSectors,
                            int sectorSize, List<String> flags, Map<String, String> fields) {

    /** Copies the collections so the record stays immutable. */
    public IntegrityDump {
        flags = List.copyOf(flags);
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
