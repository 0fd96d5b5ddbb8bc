package dev.dmaudit.event;

import java.util.function.Consumer;

/**
 * One step of the pipeline between typing and the sinks (naming the device, filtering,
 * coalescing; later locating). It runs on the thread that drives the pipeline — the socket reader
 * live — so it must be quick and never block: work that runs tools or reads disks belongs behind
 * a queue of its own. A stage passes on zero, one or more events, now or later (a coalescing
 * window closes on a later {@link #tick}).
 */
public interface EventStage {
    /**
     * @param event the event from the previous stage
     * @param next  the rest of the pipeline
     */
    void accept(Event event, Consumer<Event> next);

    /**
     * Time passes: emit what a window or timeout has completed.
     *
     * @param nowMillis the pipeline's clock
     * @param next      the rest of the pipeline
     */
    default void tick(long nowMillis, Consumer<Event> next) {
    }

    /**
     * End of input or close: emit everything still held.
     *
     * @param next the rest of the pipeline
     */
    default void flush(Consumer<Event> next) {
    }

    /**
     * @return the earliest time (the pipeline's clock) at which {@link #tick} has work for this
     *     stage, or {@link Long#MAX_VALUE} when it holds nothing that a tick would release
     */
    default long nextDeadline() {
        return Long.MAX_VALUE;
    }
}
