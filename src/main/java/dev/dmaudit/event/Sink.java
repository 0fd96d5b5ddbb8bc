package dev.dmaudit.event;

import java.io.IOException;

/**
 * Where delivered events go: a terminal, an output file, and the outputs later capabilities add
 * (history, journald, syslog, metrics, hooks, Kafka). The pipeline's last step hands each event
 * that passed every stage to its sink.
 *
 * <p>The contract:
 * <ul>
 *   <li><b>Threads.</b> One thread at a time calls a sink: the caller's in {@code decode}; live,
 *       the listener's delivery thread, so a sink that blocks (a full disk, a slow collector)
 *       makes the listener's bounded queue drop events, counted in {@code Metrics.droppedByQueue},
 *       instead of making the kernel drop records. The one exception: a lone event that comes
 *       while the delivery thread is idle is delivered by the socket reader itself (not in daemon
 *       mode, not with locate), saving a thread wake-up; a sink slow there more than a few times
 *       is left to the delivery thread from then on.</li>
 *   <li><b>Back-pressure.</b> {@link #accept} may block for as long as one write takes; a sink
 *       that can wait longer (a network peer that is down) keeps its own bounded buffer and counts
 *       what it drops.</li>
 *   <li><b>Bursts.</b> {@link #endOfBurst} says that no further event is ready right now: a
 *       buffering sink flushes there, so it writes once per burst and still at once when idle.</li>
 *   <li><b>Errors.</b> An {@link IOException} from a sink is that sink's failure: the listener
 *       stops calling it, counts it, and keeps the first failure for the caller (the CLI ends with
 *       its output-error exit code); the other sinks go on.</li>
 *   <li><b>A slow destination.</b> Wrap it in {@code sink.QueuedSink}: a bounded queue and a
 *       thread of its own, so it holds neither the other sinks nor the listener's queue.</li>
 *   <li><b>Counters.</b> {@link #counters} says what was delivered, dropped, failed.</li>
 *   <li><b>Warm-up.</b> {@link #warmUpTwin} may offer a copy writing nowhere, so the listener's
 *       warm-up compiles this sink's code before the first real event.</li>
 *   <li><b>Close.</b> {@link #close} comes once, after the last event, on the delivering thread:
 *       flush and release. It does not close streams the sink was given.</li>
 * </ul>
 */
public interface Sink extends AutoCloseable {
    /**
     * @param event an event that passed every stage
     * @throws IOException when the output fails (the sink is not called again)
     */
    void accept(Event event) throws IOException;

    /**
     * No further event is ready now: write out what is buffered.
     *
     * @throws IOException when the output fails
     */
    default void endOfBurst() throws IOException {
    }

    /**
     * Its own counters, read from any thread (use volatile or atomic fields). Sinks that can drop
     * or fail events report them here, so the listener's {@code Metrics.sinks} shows every loss.
     *
     * @return the sink's counters, or null when the sink keeps none
     */
    default SinkCounters counters() {
        return null;
    }

    /**
     * A sink built like this one whose output goes nowhere, for the listener's warm-up: before the
     * reader starts, the events of its synthetic records run through these twins (on the delivery
     * path a lone event takes), so the JIT has compiled this sink's formatting and flushing when the
     * first real event comes, instead of during the first thousands of them (tools/bench-latency).
     * A twin must have no effect outside itself: no file, peer, store, process or counter a user
     * sees; it is closed after the warm-up.
     *
     * @return the twin, or null (the default) when this sink cannot make one without side effects
     */
    default Sink warmUpTwin() {
        return null;
    }

    /**
     * Flushes and releases; called once after the last event.
     *
     * @throws IOException when the final flush fails
     */
    @Override
    default void close() throws IOException {
        endOfBurst();
    }
}
