package dev.dmaudit.dm;

/**
 * How {@code integritysetup open} should activate a formatted device. Tag and sector size come
 * from its superblock; the algorithm does not and must match the one used to format.
 *
 * @param device      the formatted block device
 * @param name        the device-mapper name to create
 * @param algorithm   integrity algorithm; null for the tool's default (crc32c)
 * @param mode        journal (default), bitmap, direct or recovery
 * @param keyFile     file holding the key of a keyed algorithm; null for none
 * @param keySizeBits size of that key in bits; null for the default
 */
public record IntegrityOpenOptions(String device, String name, String algorithm, IntegrityMode mode,
                                   String keyFile, Integer keySizeBits) {
}
