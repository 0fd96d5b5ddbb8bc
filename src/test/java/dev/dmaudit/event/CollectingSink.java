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

    /**
     * @return every event (DM and not) of the real 6.1 kernel capture (multicast records.txt),
     *     typed by the pipeline as listen types them
     * @throws Exception when the capture cannot be read or decoded
     */
    public static List<Event> captureEvents() throws Exception {
        CollectingSink got = new CollectingSink();
        EventPipeline pipeline = got.allInto(64, 300);
        for (String line : java.nio.file.Files.readAllLines(
                java.nio.file.Path.of("src/test/resources/kernel-6.1-dm-integrity/multicast/records.txt"))) {
            if (line.startsWith("type=")) {
                pipeline.acceptLogLine(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        pipeline.flush();
        return got.events;
    }
}
