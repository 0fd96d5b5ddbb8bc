package dev.dmaudit.sink;

import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.io.IOException;
import java.io.OutputStream;
import dev.dmaudit.record.interpret.Interpreter;
import java.util.function.Function;

/**
 * The text, JSON and raw outputs as a {@link Sink}: events are formatted into a buffer and written
 * out once per burst. {@link #written()} counts only events whose bytes were flushed to the
 * stream, so after a failed write (a full disk) it says what really reached the output.
 */
public final class WriterSink implements Sink {
    private final EventWriter writer;
    private final Function<Event, DeviceHealth> status;
    private final OutputFormat format;
    private final Interpreter interpreter;
    private long pending;
    private volatile long written;
    private volatile long failed;

    private WriterSink(OutputFormat format, OutputStream out, Function<Event, DeviceHealth> status, Interpreter interpreter) {
        this.writer = EventWriter.create(format, out, interpreter);
        this.status = status;
        this.format = format;
        this.interpreter = interpreter;
    }

    /**
     * @param format the format
     * @param out    where to write (flushed, never closed, by the sink)
     * @return the sink
     */
    public static WriterSink of(OutputFormat format, OutputStream out) {
        return new WriterSink(format, out, e -> null, null);
    }

    /**
     * @param format the format
     * @param out    where to write (flushed, never closed, by the sink)
     * @param status the device's current state for an event ({@code listen --enrich-status}), or
     *               null; called on the delivering thread (see {@link dev.dmaudit.event.Sink})
     * @return the sink
     */
    public static WriterSink of(OutputFormat format, OutputStream out, Function<Event, DeviceHealth> status) {
        return new WriterSink(format, out, status, null);
    }

    /**
     * @param format      the format
     * @param out         where to write (flushed, never closed, by the sink)
     * @param status      as in {@link #of(OutputFormat, OutputStream, Function)}
     * @param interpreter values as {@code ausearch -i} shows them ({@code --interpret}: text and
     *                    JSON only), or null
     * @return the sink
     */
    public static WriterSink of(OutputFormat format, OutputStream out, Function<Event, DeviceHealth> status,
                                Interpreter interpreter) {
        return new WriterSink(format, out, status, interpreter);
    }

    @Override
    public void accept(Event event) throws IOException {
        writer.write(event, status.apply(event));
        pending++;
    }

    @Override
    public void endOfBurst() throws IOException {
        try {
            writer.flush();
        } catch (IOException e) {
            failed += pending; // formatted, never reached the output
            pending = 0;
            throw e;
        }
        written += pending;
        pending = 0;
    }

    /**
     * @return the same format and interpretation over a stream that discards, without the device
     *         status lookup (it runs dmsetup)
     */
    @Override
    public Sink warmUpTwin() {
        return new WriterSink(format, OutputStream.nullOutputStream(), e -> null, interpreter);
    }

    /** @return {@code output}: events flushed, and events lost with a failed write */
    @Override
    public SinkCounters counters() {
        return new SinkCounters("output", written, 0, failed);
    }

    /** @return events whose bytes were flushed to the stream */
    public long written() {
        return written;
    }
}
