package dev.dmaudit.dm;

/**
 * One segment of {@code dmsetup status}.
 *
 * @param device     device name (or the MAJOR:MINOR it was selected by)
 * @param start      first sector of the segment
 * @param length     length in sectors
 * @param targetType target type, e.g. {@code integrity}
 * @param status     the parsed status
 */
public record DmStatusLine(String device, long start, long length, String targetType, TargetStatus status) {
}
