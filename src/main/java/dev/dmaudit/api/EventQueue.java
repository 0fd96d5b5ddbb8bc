package dev.dmaudit.api;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded hand-off between the reader thread (the pipeline's last step) and the consumer.
 * Events collect in a batch and are published once per burst or every {@link #BATCH} events, so a
 * consumer as fast as the kernel is woken once per burst (a futex wake and a context switch each
 * event cost the reader more than its decoding at ~300k events/s). What does not fit is dropped
 * and counted — the reader never waits for the consumer.
 *
 * <p>With a {@link Direct} deliverer ({@link DmAuditListener#start}), the end of a burst of at
 * most {@link #DIRECT_MAX} events is held until the reader calls {@link #handOff()} outside the
 * pipeline, which lets the deliverer run them on the reader's thread when the consumer is idle: an
 * event then reaches the sinks without waking another thread (one scheduler wake-up less on the
 * latency path).
 */
final class EventQueue implements Sink {
    private static final System.Logger LOG = System.getLogger(EventQueue.class.getName());
    private static final int BATCH = 256;
    /** The queue's slots before a burst needs more (it doubles up to the capacity). */
    static final int INITIAL_SLOTS = 1024;
    /** Larger end-of-burst batches are a storm's: they go to the consumer, so reading goes on. */
    static final int DIRECT_MAX = 8;
    private static final Event END = Event.of(new AuditEvent(0, 0, List.of(), AuditEvent.Completion.FLUSH), null);

    private final int capacity;
    private final GrowingBlockingQueue<Event> queue;
    /** Producer side only (the reader, or close() once the reader has ended). */
    private final ArrayList<Event> batch = new ArrayList<>(BATCH);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Events put into the queue so far (producer side only). */
    private long published;
    /** Producer side only: an ended burst waits in the batch for {@link #handOff()}. */
    private boolean burstEnded;
    private volatile Direct direct;
    private volatile boolean ended;

    /** Delivers a small batch on the producer's thread when that keeps the order; see {@link Delivery}. */
    interface Direct {
        /**
         * @param batch     the events, in order
         * @param published the events this queue has published so far
         * @return whether it delivered them all (false: nothing was delivered)
         */
        boolean tryDeliver(List<Event> batch, long published);
    }

    EventQueue(int capacity) {
        this.capacity = capacity;
        // +1: END always fits. A few KiB at first, not all the slots: an idle listener holds no events.
        this.queue = new GrowingBlockingQueue<>(capacity + 1, Math.min(capacity + 1, INITIAL_SLOTS));
    }

    @Override
    public void accept(Event e) {
        batch.add(e);
        if (batch.size() >= BATCH) {
            publish();
        }
    }

    /** The reader has nothing more right now: publish the batch (or keep it for {@link #handOff()}). */
    @Override
    public void endOfBurst() {
        if (direct != null && batch.size() <= DIRECT_MAX) {
            burstEnded = true;
        } else {
            publish();
        }
    }

    /** Set before the producer starts: small end-of-burst batches are offered to it first. */
    void deliverDirectly(Direct d) {
        this.direct = d;
    }

    /**
     * The producer, outside the pipeline, after {@link #endOfBurst()}: runs an ended burst's batch
     * through the {@link Direct} deliverer when it can, else publishes it.
     */
    void handOff() {
        if (!burstEnded) {
            return;
        }
        burstEnded = false;
        Direct d = direct;
        if (batch.isEmpty() || d == null) {
            return;
        }
        // A copy: a callback that closes the listener flushes the pipeline into the batch meanwhile.
        List<Event> events = List.copyOf(batch);
        batch.clear();
        if (d.tryDeliver(events, published)) {
            delivered.addAndGet(events.size());
            return;
        }
        batch.addAll(events);
        publish();
    }

    /** @return whether the batch holds unpublished events (the reader then only peeks at the socket) */
    boolean hasBatch() {
        return !batch.isEmpty();
    }

    private void publish() {
        for (int i = 0; i < batch.size(); i++) {
            // At most capacity events: END keeps its slot.
            if (queue.offer(batch.get(i), capacity)) {
                published++;
            } else {
                long n = dropped.incrementAndGet();
                if (Long.bitCount(n) == 1) { // log at 1, 2, 4, 8, … drops, not per drop
                    LOG.log(System.Logger.Level.WARNING, "consumer too slow: {0} events dropped so far", n);
                }
            }
        }
        batch.clear();
        burstEnded = false;
    }

    /** After the last event: takers see the end once the queue is drained. */
    void end() {
        publish();
        queue.offer(END);
    }

    Event take() throws InterruptedException {
        return ended ? null : endOrEvent(queue.take());
    }

    Event poll(Duration timeout) throws InterruptedException {
        if (ended) {
            return null;
        }
        Event e = queue.poll(timeout.toNanos());
        return e == null ? null : endOrEvent(e);
    }

    /** @return whether no event is waiting right now (the end of a burst for the consumer) */
    boolean drained() {
        Event head = queue.peek();
        return head == null || head == END;
    }

    /** Takes whatever is queued now, without counting it as delivered (the warm-up's consumer of a storm). */
    void drainQuietly() {
        while (queue.poll() != null) {
            // discard
        }
    }

    /** @return the next event queued now, or null when none is (or the end came); does not wait */
    Event pollNow() {
        if (ended) {
            return null;
        }
        Event e = queue.poll();
        return e == null ? null : endOrEvent(e);
    }

    private Event endOrEvent(Event e) {
        if (e == END) {
            ended = true;
            queue.offer(END); // let other takers see the end too
            return null;
        }
        delivered.incrementAndGet();
        return e;
    }

    long delivered() {
        return delivered.get();
    }

    long dropped() {
        return dropped.get();
    }

    Iterator<Event> iterator() {
        return new Iterator<>() {
            private Event next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return next != null;
            }

            @Override
            public Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Event e = next;
                next = null;
                return e;
            }
        };
    }
}
