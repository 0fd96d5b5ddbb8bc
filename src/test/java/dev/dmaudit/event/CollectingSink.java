package dev.dmaudit.event;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps what it is given, for tests and benchmarks. */
public final class CollectingSink implements Sink {
    /** The events, in delivery order. */
    public final List<Event> events = new ArrayList<>();

    @Override
    public void accept(Event event) {
        events.add(event);
    }

    /** @return the audit events delivered */
    public List<AuditEvent> audit() {
        List<AuditEvent> out = new ArrayList<>(events.size());
        events.forEach(e -> out.add(e.audit()));
        return out;
    }

    /**
     * @param maxOpen most events open at once
     * @param timeoutMillis grouping timeout
     * @return a pipeline passing every event into this sink
     */
    public EventPipeline allInto(int maxOpen, long timeoutMillis) {
        return EventPipeline.builder().filter(EventFilter.allEvents()).maxOpenEvents(maxOpen)
                .groupTimeout(java.time.Duration.ofMillis(timeoutMillis)).sink(this).build();
    }
}
