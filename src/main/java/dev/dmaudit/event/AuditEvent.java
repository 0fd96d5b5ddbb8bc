package dev.dmaudit.event;

import dev.dmaudit.record.AuditRecord;
import java.util.List;

/**
 * The records of one audit event (one serial), in arrival order.
 *
 * @param serial     the event serial
 * @param timeMillis the event time, epoch milliseconds
 * @param records    its records, in arrival order (EOE not included)
 * @param completion why the event was considered complete
 * @param eoe        the EOE record that completed it (raw output writes it back as it came), or null
 */
public record AuditEvent(long serial, long timeMillis, List<AuditRecord> records, Completion completion,
                         AuditRecord eoe) {
    /** Why an event was emitted. */
    public enum Completion {
        /** Its EOE record arrived. */
        EOE,
        /** A record that never has companions (bio-level DM_EVENT, user message). */
        STANDALONE,
        /** No EOE within the grouping timeout. */
        TIMEOUT,
        /** Evicted to keep the number of open events bounded. */
        EVICTED,
        /** Flushed at close or end of input. */
        FLUSH,
        /** Emitted early at the cap on records per event; later records of its serial form another event. */
        TRUNCATED
    }

    /** Defensive copy. */
    public AuditEvent {
        records = List.copyOf(records);
    }

    /**
     * An event without its EOE record.
     *
     * @param serial     the event serial
     * @param timeMillis the event time, epoch milliseconds
     * @param records    its records, in arrival order
     * @param completion why the event was considered complete
     */
    public AuditEvent(long serial, long timeMillis, List<AuditRecord> records, Completion completion) {
        this(serial, timeMillis, records, completion, null);
    }

    /**
     * @param type a record type
     * @return the first record of that type, or null
     */
    public AuditRecord first(int type) {
        for (AuditRecord r : records) {
            if (r.type() == type) {
                return r;
            }
        }
        return null;
    }

    /**
     * @param type a record type
     * @return true when the event holds a record of that type
     */
    public boolean has(int type) {
        return first(type) != null;
    }
}
