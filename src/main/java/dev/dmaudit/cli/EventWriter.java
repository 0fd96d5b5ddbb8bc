package dev.dmaudit.cli;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.api.Event;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.event.DmEvent;
import java.io.IOException;
import java.io.OutputStream;

/** Writes events in one {@link OutputFormat}; one event is one line (raw: one line per record). */
public interface EventWriter {
    /**
     * @param event the audit event
     * @param dm    its typed DM view, or null when it holds no DM record
     * @throws IOException when the output fails
     */
    default void write(AuditEvent event, DmEvent dm) throws IOException {
        write(Event.of(event, dm), null);
    }

    /**
     * @param event  the delivered event (a coalesced run's repeats carry their count and times)
     * @param health the device's current state ({@code listen --enrich-status}), or null
     * @throws IOException when the output fails
     */
    void write(Event event, DeviceHealth health) throws IOException;

    /** @throws IOException when the output fails */
    void flush() throws IOException;

    /**
     * @param format the format
     * @param out    where to write (not closed by the writer)
     * @return a writer
     */
    static EventWriter create(OutputFormat format, OutputStream out) {
        return switch (format) {
            case TEXT -> new TextEventWriter(out);
            case JSON -> new JsonEventWriter(out);
            case RAW -> new RawEventWriter(out);
        };
    }
}
