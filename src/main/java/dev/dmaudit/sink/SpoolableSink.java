package dev.dmaudit.sink;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import java.io.IOException;

/**
 * A sink whose events can wait on disk in the form it sends them ({@link QueuedSink}'s disk
 * overflow): the bytes it would send for an event, and a way to send such bytes later. Spooling
 * the output's own encoding keeps the spool exact and cheap to read back: nothing of the event is
 * re-derived after a restart.
 */
public interface SpoolableSink extends Sink {
    /**
     * @param event an event
     * @return what {@link #accept} would send for it, in a fresh array; may be called on any thread
     */
    byte[] encode(Event event);

    /**
     * Sends what {@link #encode} made, as {@link #accept} sends an event (same counters, same failures).
     *
     * @param encoded bytes from {@link #encode}, possibly of an earlier run
     * @throws IOException as {@link #accept}
     */
    void acceptEncoded(byte[] encoded) throws IOException;
}
