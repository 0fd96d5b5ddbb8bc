package dev.dmaudit.event;

import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.RecordTypes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * Groups records into events by serial. An event completes on its EOE; a record that cannot have
 * companions completes at once (no timer: a bio-level DM_EVENT from a kernel worker has a fresh
 * serial and never an EOE); otherwise after a bounded timeout. At most {@code maxOpen} events are
 * open; beyond that the oldest is emitted early and counted. An event is also emitted early, marked
 * {@link AuditEvent.Completion#TRUNCATED}, when it reaches {@code maxRecords} records (2M records
 * sharing one serial would otherwise hold them all). Not thread-safe: one thread drives it. Time is
 * passed in by the caller (wall clock live, record time when reading a log).
 */
final class EventAssembler {
    /** Default cap on the records of one event: far above real events (a SYSCALL with its PATHs). */
    static final int DEFAULT_MAX_RECORDS = 1024;
    private final long timeoutMillis;
    private final int maxOpen;
    private final int maxRecords;
    private final Consumer<AuditEvent> sink;
    // Insertion order = arrival order of each event's first record: the head is evicted first.
    private final LinkedHashMap<Long, Open> open = new LinkedHashMap<>();
    // The same events by deadline: not arrival order when a log's times step back.
    private final DeadlineQueue deadlines = new DeadlineQueue();
    private long arrivals;
    /**
     * The open event of the last record, or null once it left {@link #open}: an event's records
     * come one after the other, so most records find it here without boxing a key for the map.
     */
    private Open last;
    private long records;
    private long events;
    private long timedOut;
    private long evicted;
    private long strayEoe;
    private long truncated;

    private static final class Open extends DeadlineQueue.Entry {
        final long serial;
        final long timeMillis;
        final List<AuditRecord> records = new ArrayList<>(6);

        Open(long serial, long timeMillis, long deadline, long arrival) {
            super(deadline, arrival);
            this.serial = serial;
            this.timeMillis = timeMillis;
        }
    }

    /**
     * @param timeoutMillis how long an event without EOE stays open
     * @param maxOpen       the most events open at once
     * @param maxRecords    the most records one event holds before it is emitted as truncated
     * @param sink          receives completed events, on the calling thread
     */
    EventAssembler(long timeoutMillis, int maxOpen, int maxRecords, Consumer<AuditEvent> sink) {
        if (timeoutMillis < 0 || maxOpen < 1 || maxRecords < 1) {
            throw new IllegalArgumentException("timeout must be >= 0, maxOpen and maxRecords >= 1");
        }
        this.timeoutMillis = timeoutMillis;
        this.maxOpen = maxOpen;
        this.maxRecords = maxRecords;
        this.sink = sink;
    }

    EventAssembler(long timeoutMillis, int maxOpen, Consumer<AuditEvent> sink) {
        this(timeoutMillis, maxOpen, DEFAULT_MAX_RECORDS, sink);
    }

    /**
     * Adds a record; emits whatever it completes.
     *
     * @param r         the record
     * @param nowMillis the current time on the caller's clock
     */
    void accept(AuditRecord r, long nowMillis) {
        records++;
        expire(nowMillis);
        long serial = r.serial();
        // Nothing open (a log of bio-level DM_EVENTs): no boxed key, no map lookup.
        Open e = last != null && last.serial == serial ? last : open.isEmpty() ? null : open.get(serial);
        if (r.type() == RecordTypes.EOE) {
            if (e == null) {
                strayEoe++;
            } else {
                forget(e);
                events++;
                sink.accept(new AuditEvent(e.serial, e.timeMillis, e.records, AuditEvent.Completion.EOE, r));
            }
            return;
        }
        if (e == null && Standalone.test(r)) {
            events++;
            sink.accept(new AuditEvent(serial, r.timeMillis(), List.of(r), AuditEvent.Completion.STANDALONE));
            return;
        }
        if (e == null) {
            if (open.size() >= maxOpen) {
                Open oldest = open.values().iterator().next();
                forget(oldest);
                evicted++;
                emit(oldest, AuditEvent.Completion.EVICTED);
            }
            e = new Open(serial, r.timeMillis(), nowMillis + timeoutMillis, arrivals++);
            open.put(serial, e);
            deadlines.add(e);
        }
        e.records.add(r);
        last = e;
        if (e.records.size() >= maxRecords) {
            forget(e);
            truncated++;
            emit(e, AuditEvent.Completion.TRUNCATED);
        }
    }

    /**
     * Emits events whose timeout has passed, earliest deadline first. Every such event, not only
     * those opened before the first one still waiting: after a log's times step back, an event
     * opened before the step waits for its own time to come again (as auparse's does) without
     * holding back the events opened after it.
     *
     * @param nowMillis the current time on the caller's clock
     */
    void expire(long nowMillis) {
        DeadlineQueue.Entry first;
        while ((first = deadlines.first()) != null && first.deadline <= nowMillis) {
            Open e = (Open) first;
            forget(e);
            timedOut++;
            emit(e, AuditEvent.Completion.TIMEOUT);
        }
    }

    /** Emits every open event (close, end of input). */
    void flush() {
        last = null;
        Iterator<Open> it = open.values().iterator();
        while (it.hasNext()) {
            Open e = it.next();
            it.remove();
            deadlines.remove(e);
            emit(e, AuditEvent.Completion.FLUSH);
        }
    }

    /** @return the earliest deadline of an open event, or Long.MAX_VALUE when none is open */
    long nextDeadline() {
        DeadlineQueue.Entry first = deadlines.first();
        return first == null ? Long.MAX_VALUE : first.deadline;
    }

    long records() {
        return records;
    }

    long events() {
        return events;
    }

    long timedOut() {
        return timedOut;
    }

    long evicted() {
        return evicted;
    }

    /** EOE records whose event was already emitted (late after a timeout) or never seen. */
    long strayEoe() {
        return strayEoe;
    }

    long truncated() {
        return truncated;
    }

    int open() {
        return open.size();
    }

    /** Takes an event out of {@link #open} and {@link #deadlines}, and out of {@link #last}. */
    private void forget(Open e) {
        open.remove(e.serial);
        deadlines.remove(e);
        if (e == last) {
            last = null;
        }
    }

    /** An event that has left {@link #open} ({@link #forget}), except by EOE (emitted with its EOE record). */
    private void emit(Open e, AuditEvent.Completion how) {
        events++;
        sink.accept(new AuditEvent(e.serial, e.timeMillis, e.records, how));
    }
}
