package dev.dmaudit.api;

import dev.dmaudit.event.Event;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The listener's delivery thread: takes events from the {@link EventQueue}, hands each to the
 * sinks and then to the callback, and tells the sinks when a burst ends (the queue is drained), so
 * they write once per burst and still at once when idle. A callback's exception is counted and
 * logged (at 1, 2, 4, … failures); delivery goes on.
 */
final class Delivery implements Runnable {
    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());
    private final EventQueue queue;
    private final Sinks sinks;
    private final Consumer<Event> callback;
    private final AtomicLong callbackErrors = new AtomicLong();

    Delivery(EventQueue queue, Sinks sinks, Consumer<Event> callback) {
        this.queue = queue;
        this.sinks = sinks;
        this.callback = callback;
    }

    @Override
    public void run() {
        try {
            Event e;
            while ((e = next()) != null) {
                sinks.accept(e);
                try {
                    callback.accept(e);
                } catch (RuntimeException ex) {
                    long n = callbackErrors.incrementAndGet();
                    if (Long.bitCount(n) == 1) {
                        LOG.log(System.Logger.Level.WARNING, "event callback threw (" + n + " so far): " + ex, ex);
                    }
                }
                if (queue.drained()) {
                    sinks.endOfBurst();
                }
            }
        } finally {
            sinks.close();
        }
    }

    private Event next() {
        try {
            return queue.take();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    long callbackErrors() {
        return callbackErrors.get();
    }
}
