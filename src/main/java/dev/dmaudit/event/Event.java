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
 */
public record Event(AuditEvent audit, DmEvent dm, long count, long firstMillis, long lastMillis, boolean repeatSummary) {
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
        return new Event(audit, newDm, count, firstMillis, lastMillis, repeatSummary);
    }
}
