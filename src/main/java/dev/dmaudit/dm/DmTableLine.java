package dev.dmaudit.dm;

/**
 * One segment of {@code dmsetup table}.
 *
 * @param device     device name (or the MAJOR:MINOR it was selected by)
 * @param start      first sector of the segment
 * @param length     length in sectors
 * @param targetType target type, e.g. {@code integrity}
 * @param target     the parsed parameters
 */
public record DmTableLine(String device, long start, long length, String targetType, TargetTable target) {
}
