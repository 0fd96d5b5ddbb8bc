package dev.dmaudit.dm;

/**
 * What {@code integritysetup format} should write. Null fields leave the tool's default.
 *
 * @param device      the block device to format (all its data is lost)
 * @param algorithm   integrity algorithm, e.g. {@code sha256}, {@code crc32c}, {@code hmac(sha256)}
 * @param tagSize     tag bytes per sector
 * @param sectorSize  sector size in bytes
 * @param mode        journal (default), bitmap or direct (no journal)
 * @param keyFile     file holding the key of a keyed algorithm (the key itself never passes through here)
 * @param keySizeBits size of that key in bits
 */
public record IntegrityFormatOptions(String device, String algorithm, Integer tagSize, Integer sectorSize,
                                     IntegrityMode mode, String keyFile, Integer keySizeBits) {

    /**
     * @param device the block device to format
     * @return options with every tool default
     */
    public static IntegrityFormatOptions defaults(String device) {
        return new IntegrityFormatOptions(device, null, null, null, IntegrityMode.JOURNAL, null, null);
    }
}
