package dev.dmaudit.sink;

import dev.dmaudit.event.Event;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.record.interpret.Interpreter;
import java.io.IOException;
import java.io.OutputStream;

/** Writes events in one {@link OutputFormat}; one event is one line (raw: one line per record). */
public interface EventWriter {
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
        return create(format, out, null);
    }

    /**
     * @param format      the format
     * @param out         where to write (not closed by the writer)
     * @param interpreter values as {@code ausearch -i} shows them (text and JSON), or null; raw
     *                    output is the record as received and takes none
     * @return a writer
     */
    static EventWriter create(OutputFormat format, OutputStream out, Interpreter interpreter) {
        if (interpreter != null && format == OutputFormat.RAW) {
            throw new IllegalArgumentException("raw output is never interpreted");
        }
        return switch (format) {
            case TEXT -> new TextEventWriter(out, interpreter);
            case JSON -> new JsonEventWriter(out, interpreter);
            case RAW -> new RawEventWriter(out);
        };
    }
}
