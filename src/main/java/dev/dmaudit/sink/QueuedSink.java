package dev.dmaudit.sink;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives a slow sink (a journal, a collector, a database) a bounded queue and a thread of its own,
 * so that it holds neither the other sinks nor the listener's queue. {@link #accept} never blocks:
 * an event that finds the queue full is dropped and counted ({@link #counters}), and the first
 * drop and every power of two after it are logged, one line each.
 *
 * <p>The worker thread starts with the first event and then waits in a blocking take (no
 * periodic wake-up when nothing happens). It calls the wrapped sink's {@code accept} for each
 * event and its {@code endOfBurst} whenever the queue runs empty, so the wrapped sink sees the
 * usual contract on one thread. A failure of the wrapped sink ends it: the queued events are
 * counted as failed and the next {@link #accept} throws that failure to the listener, which stops
 * calling this sink and keeps the failure for the caller.
 *
 * <p>{@link #close} lets the worker drain the queue for at most the grace period, then closes the
 * wrapped sink on the worker thread. What is still queued after the grace period is counted as
 * dropped and one line says so.
 */
public final class QueuedSink implements Sink {
    private static final System.Logger LOG = System.getLogger(QueuedSink.class.getName());
    /** Put by close() after the last event; never an event. */
    private static final Object END = new Object();

    private final String name;
    private final Sink inner;
    private final int capacity;
    private final Duration closeGrace;
    /** One slot more than the capacity: the end marker always fits. */
    private final BlockingQueue<Object> queue;
    private final AtomicLong handed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile IOException failure;
    private Thread worker;
    private boolean closed;

    /**
     * @param name       short name for logs and counters ({@code journald}, {@code syslog}, …)
     * @param inner      the slow sink, called on this sink's own thread only
     * @param capacity   events queued before counted drops (at least 1)
     * @param closeGrace how long {@link #close} lets the queue drain
     */
    public QueuedSink(String name, Sink inner, int capacity, Duration closeGrace) {
        if (capacity < 1 || closeGrace.isNegative()) {
            throw new IllegalArgumentException("capacity must be at least 1 and the grace period not negative");
        }
        this.name = Objects.requireNonNull(name);
        this.inner = Objects.requireNonNull(inner);
        this.capacity = capacity;
        this.closeGrace = closeGrace;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
    }

    /** Never blocks. Only the delivering thread adds, so the size check cannot race another adder. */
    @Override
    public void accept(Event event) throws IOException {
        IOException f = failure;
        if (f != null) {
            failed.incrementAndGet();
            throw f;
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (worker == null) {
            worker = new Thread(this::drain, "dmaudit-sink-" + name);
            worker.setDaemon(true); // a destination that hangs never keeps the JVM alive
            worker.start();
        }
        if (queue.size() >= capacity || !queue.offer(event)) {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.log(System.Logger.Level.WARNING, name + ": " + capacity + " events already queued for a slow output; "
                        + n + " dropped so far (counted in --stats as sink." + name + ".dropped)");
            }
        }
    }

    private void drain() {
        try {
            while (true) {
                Object next = queue.take();
                if (next == END) {
                    break;
                }
                Event e = (Event) next;
                if (failure == null) {
                    try {
                        inner.accept(e);
                        handed.incrementAndGet();
                        if (queue.isEmpty() || queue.peek() == END) { // the end marker is not an event
                            inner.endOfBurst();
                        }
                    } catch (IOException | RuntimeException ex) {
                        fail(ex);
                    }
                } else {
                    failed.incrementAndGet();
                }
            }
            try {
                inner.close();
            } catch (IOException | RuntimeException ex) {
                fail(ex);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(Exception ex) {
        if (failure == null) {
            failure = ex instanceof IOException io ? io : new IOException(name + ": " + ex, ex);
            failed.incrementAndGet(); // the event in hand
            LOG.log(System.Logger.Level.WARNING, name + " failed, no further events go to it: " + ex.getMessage());
        }
    }

    /** The worker ends its own bursts when the queue runs empty. */
    @Override
    public void endOfBurst() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /**
     * Drains for at most the grace period, then closes the wrapped sink on the worker thread.
     *
     * @throws IOException the wrapped sink's failure, if it had one
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (worker == null) {
            inner.close(); // never started: this thread is the only one that ever called it
        } else {
            queue.offer(END); // the spare slot: always fits
            try {
                worker.join(Math.max(1, closeGrace.toMillis()));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                int left = Math.max(0, queue.size() - (queue.contains(END) ? 1 : 0));
                dropped.addAndGet(left);
                LOG.log(System.Logger.Level.WARNING, name + ": still busy after " + closeGrace.toMillis()
                        + " ms at exit; " + left + " queued events dropped (counted)");
                queue.clear();
            }
        }
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /**
     * @return delivered: what the wrapped sink reports delivered (else what it accepted); dropped and
     *     failed: this queue's and the wrapped sink's own, added
     */
    @Override
    public SinkCounters counters() {
        SinkCounters own = inner.counters();
        long delivered = own != null ? own.delivered() : handed.get();
        long innerDropped = own != null ? own.dropped() : 0;
        long innerFailed = own != null ? own.failed() : 0;
        return new SinkCounters(name, delivered, dropped.get() + innerDropped, failed.get() + innerFailed);
    }

    /** @return the events waiting now */
    public int queued() {
        int n = queue.size();
        return queue.contains(END) ? n - 1 : n;
    }
}
