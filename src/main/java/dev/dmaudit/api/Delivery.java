package dev.dmaudit.api;

import dev.dmaudit.event.Event;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The listener's delivery thread: takes events from the {@link EventQueue}, hands each to the
 * sinks and then to the callback, and tells the sinks when a burst ends (the queue is drained), so
 * they write once per burst and still at once when idle. A callback's exception is counted and
 * logged (at 1, 2, 4, … failures); delivery goes on.
 *
 * <p>It is also the queue's {@link EventQueue.Direct} deliverer: while this thread is idle (every
 * event published has been delivered), the reader runs a small end-of-burst batch through the
 * sinks and the callback itself, so a lone event costs no thread wake-up. One {@link #turn} lock
 * keeps the sinks and the callback on one thread at a time and in order. A deliverer that got slow
 * ({@link #SLOW_LIMIT} direct deliveries in a row over {@link #SLOW_NANOS}) is left to this thread
 * from then on, so a slow sink holds up the consumer, not the reader. In a row: a delivery is also
 * slow now and then when the JIT compiles the sinks' code or the machine is busy for a moment
 * (tools/bench-latency saw 20 of 2,000 lone events over 0.3 ms, most beside a compilation), and
 * counting those over hours would end the fast path for good after eight such moments.
 */
final class Delivery implements Runnable, EventQueue.Direct {
    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());
    static final long SLOW_NANOS = 2_000_000;
    /** Not 1: the first deliveries load and compile the sinks' code. */
    static final int SLOW_LIMIT = 8;
    private final EventQueue queue;
    private final Sinks sinks;
    private final Consumer<Event> callback;
    private final AtomicLong callbackErrors = new AtomicLong();
    private final ReentrantLock turn = new ReentrantLock();
    /** Events taken from the queue and delivered (under {@link #turn}). */
    private long done;
    /** Under {@link #turn}: the sinks are closed. */
    private boolean closed;
    private final long slowNanos;
    /** Reader side only: direct deliveries in a row over {@link #slowNanos}. */
    private int slowDirect;

    Delivery(EventQueue queue, Sinks sinks, Consumer<Event> callback) {
        this(queue, sinks, callback, SLOW_NANOS);
    }

    /** For tests: another threshold for a slow direct delivery. */
    Delivery(EventQueue queue, Sinks sinks, Consumer<Event> callback, long slowNanos) {
        this.queue = queue;
        this.sinks = sinks;
        this.callback = callback;
        this.slowNanos = slowNanos;
    }

    @Override
    public void run() {
        try {
            Event e;
            while ((e = next()) != null) {
                deliverTaken(e);
            }
        } finally {
            turn.lock();
            try {
                closed = true;
                sinks.close();
            } finally {
                turn.unlock();
            }
        }
    }

    /**
     * The warm-up's consumer: delivers what is queued now on the calling thread, as {@link #run}
     * would, without waiting for more.
     */
    void deliverQueued() {
        Event e;
        while ((e = queue.pollNow()) != null) {
            deliverTaken(e);
        }
    }

    private void deliverTaken(Event e) {
        turn.lock();
        try {
            deliver(e);
            done++;
            if (queue.drained()) {
                sinks.endOfBurst();
            }
        } finally {
            turn.unlock();
        }
    }

    @Override
    public boolean tryDeliver(List<Event> batch, long published) {
        if (slowDirect >= SLOW_LIMIT || !turn.tryLock()) {
            return false;
        }
        try {
            // Anything published and not yet delivered would be overtaken: leave order to the queue.
            if (closed || done != published) {
                return false;
            }
            long start = System.nanoTime();
            for (int i = 0; i < batch.size(); i++) {
                deliver(batch.get(i));
            }
            sinks.endOfBurst();
            if (System.nanoTime() - start <= slowNanos) {
                slowDirect = 0;
            } else if (++slowDirect == SLOW_LIMIT) {
                LOG.log(System.Logger.Level.DEBUG, "sinks slow: events go through the delivery thread from now on");
            }
            return true;
        } finally {
            turn.unlock();
        }
    }

    /** @return whether the calling thread is delivering (a callback that closes the listener) */
    boolean deliveringOnThisThread() {
        return turn.isHeldByCurrentThread();
    }

    private void deliver(Event e) {
        sinks.accept(e);
        try {
            callback.accept(e);
        } catch (RuntimeException ex) {
            long n = callbackErrors.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.log(System.Logger.Level.WARNING, "event callback threw (" + n + " so far): " + ex, ex);
            }
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
