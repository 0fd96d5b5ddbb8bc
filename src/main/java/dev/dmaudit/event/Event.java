package dev.dmaudit.event;

/**
 * One event as the pipeline delivers it to its sinks: the audit event, its typed DM view, and how
 * many kernel events it stands for.
 *
 * <p>With coalescing on, the first of a run of identical DM_EVENTs (same device, op, sector) is
 * delivered at once with {@code count == 1}; the repeats inside the window follow as one event
 * with {@code count} = number of repeats and their first/last time. No occurrence goes uncounted.
 *
 * @param audit         the audit event (its records)
 * @param dm            the typed DM view, or null when the event holds no DM record
 * @param count         how many kernel events this stands for (1, or the repeats of a coalesced run)
 * @param firstMillis   time of the first occurrence, epoch ms
 * @param lastMillis    time of the last occurrence, epoch ms
 * @param repeatSummary true when this event stands for coalesced repeats of an event already delivered
 * @param location      where the failing sector lies (file, metadata, free space), or null when not
 *                      located (locating is off, or not a data event); see {@code dev.dmaudit.locate}
 */
public record Event(AuditEvent audit, DmEvent dm, long count, long firstMillis, long lastMillis, boolean repeatSummary,
                    dev.dmaudit.locate.Location location) {
    /**
     * An event without a location.
     *
     * @param audit         the audit event
     * @param dm            the typed DM view or null
     * @param count         kernel events it stands for
     * @param firstMillis   first occurrence, epoch ms
     * @param lastMillis    last occurrence, epoch ms
     * @param repeatSummary whether it stands for coalesced repeats
     */
    public Event(AuditEvent audit, DmEvent dm, long count, long firstMillis, long lastMillis, boolean repeatSummary) {
        this(audit, dm, count, firstMillis, lastMillis, repeatSummary, null);
    }

    /**
     * @param audit the audit event
     * @param dm    its DM view or null
     * @return a single, uncoalesced event
     */
    public static Event of(AuditEvent audit, DmEvent dm) {
        return new Event(audit, dm, 1, audit.timeMillis(), audit.timeMillis(), false);
    }

    /**
     * @param newDm the DM view to carry instead (e.g. with its device named)
     * @return this event with that view
     */
    public Event withDm(DmEvent newDm) {
        return new Event(audit, newDm, count, firstMillis, lastMillis, repeatSummary, location);
    }

    /**
     * @param where the location of the event's failing sector
     * @return this event with that location
     */
    public Event withLocation(dev.dmaudit.locate.Location where) {
        return new Event(audit, dm, count, firstMillis, lastMillis, repeatSummary, where);
    }
}
