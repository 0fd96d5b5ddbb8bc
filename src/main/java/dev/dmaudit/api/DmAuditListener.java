package dev.dmaudit.api;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventPipeline;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Live device-mapper audit events for host agents: a reader thread, a bounded queue and the
 * {@link EventPipeline}.
 *
 * <pre>{@code
 * try (DmAuditListener l = DmAuditListener.builder().build().start(ev -> agent.report(ev))) {
 *     ...
 * }
 * // or, pulling:
 * try (DmAuditListener l = DmAuditListener.builder().build().open()) {
 *     for (Event ev : l) { ... }
 * }
 * }</pre>
 *
 * <p>The reader thread receives datagrams and runs them through the pipeline, whose last step puts
 * events into a bounded queue; the delivery thread ({@link #start}) hands each to the sinks and the
 * callback, or the caller of {@link #take} drains it. A consumer slower than the kernel loses events
 * explicitly — counted in {@link Metrics#droppedByQueue()} — and does not block the reader, which
 * would make the kernel drop records. (A lone event that comes while the delivery thread is idle
 * skips the queue: the reader delivers it, see {@link #start}.)
 */
public final class DmAuditListener implements AutoCloseable, Iterable<Event> {
    private static final System.Logger LOG = System.getLogger(DmAuditListener.class.getName());
    /** Larger than any kernel uevent (the kernel builds them in 2048 bytes). */
    private static final int UEVENT_BUFFER_BYTES = 8192;
    /** Uevents taken per reader turn before the audit socket is read again. */
    private static final int UEVENTS_PER_TURN = 64;
    /** During a burst of audit datagrams, the uevent socket is read after every this many. */
    static final int UEVENT_CHECK_EVERY = 64;

    private final ListenerSettings settings;
    private final RecordSource source;
    private final EventPipeline pipeline;
    private final EventQueue queue;
    private final Sinks sinks;
    /** Events held for one locate batch at most (ListenerBuilder.locate). */
    private static final int LOCATE_BATCH = 1024;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;
    private Thread reader;
    private Thread consumer;
    private final AtomicLong datagrams = new AtomicLong();
    /** The reader's clock (reader thread only). */
    private final ListenerClock clock;
    private volatile Delivery delivery;

    /** Whether start/open still has to warm the pipeline up (once, before the reader starts). */
    private boolean warmUpFirst;

    DmAuditListener(ListenerSettings settings, RecordSource source, boolean warmUp) {
        this.settings = settings;
        this.source = source;
        this.warmUpFirst = warmUp;
        this.queue = new EventQueue(settings.queueCapacity);
        this.sinks = Sinks.of(settings.locator == null ? settings.sinks : settings.sinks.stream()
                .<dev.dmaudit.event.Sink>map(k -> new dev.dmaudit.locate.LocatingSink(settings.locator, k, LOCATE_BATCH)).toList());
        this.pipeline = settings.pipeline(queue, true);
        this.clock = new ListenerClock(settings.clock, settings.monotonicNanos);
    }

    /** @return a builder with the defaults: multicast, DM events only, no coalescing */
    public static ListenerBuilder builder() {
        return new ListenerBuilder();
    }

    /**
     * Starts delivering to the builder's sinks and then to a callback, one event at a time and in
     * order: on a dedicated delivery thread, or, for a lone event while that thread is idle (not in
     * {@link Mode#DAEMON}, not with {@code locate}), on the reader thread, which saves a thread
     * wake-up. An
     * exception from the callback is counted ({@link Metrics#consumerErrors()}) and logged;
     * delivery goes on.
     *
     * @param callback receives each event after the sinks
     * @return this listener
     * @throws DmAuditException of kind PERMISSION when a priority boost was asked without CAP_SYS_NICE
     */
    public DmAuditListener start(Consumer<Event> callback) {
        Objects.requireNonNull(callback, "callback");
        PriorityBoost.around(settings.priorityBoost, () -> {
            delivery = new Delivery(queue, sinks, callback);
            if (settings.mode != Mode.DAEMON && settings.locator == null) {
                // Not for the audit daemon: a sink stuck on the reader would fill the kernel's
                // backlog, which stalls every audited process. Not with locate: it runs tools.
                queue.deliverDirectly(delivery);
            }
            startReader();
            consumer = new Thread(delivery, "dmaudit-consumer");
            consumer.setDaemon(true);
            consumer.start();
        });
        return this;
    }

    /**
     * Starts the reader for pull delivery through {@link #take}, {@link #poll} or {@link #iterator}.
     *
     * @return this listener
     * @throws IllegalStateException when sinks were configured (they need {@link #start})
     */
    public DmAuditListener open() {
        if (!settings.sinks.isEmpty()) {
            throw new IllegalStateException("sinks are fed by start(), not by pull delivery");
        }
        PriorityBoost.around(settings.priorityBoost, this::startReader);
        return this;
    }

    /**
     * @return the next event, blocking; null once the listener is closed and drained
     * @throws InterruptedException when interrupted while waiting
     */
    public Event take() throws InterruptedException {
        return queue.take();
    }

    /**
     * @param timeout how long to wait
     * @return the next event, or null on timeout or once closed and drained
     * @throws InterruptedException when interrupted while waiting
     */
    public Event poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout);
    }

    /** @return a blocking iterator over events, ending when the listener is closed */
    @Override
    public Iterator<Event> iterator() {
        return queue.iterator();
    }

    /** @return a blocking, sequential stream of events, ending when the listener is closed */
    public java.util.stream.Stream<Event> stream() {
        return java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(iterator(),
                java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL), false);
    }

    /**
     * A snapshot of the counters. The pipeline's are read without a lock while the reader runs:
     * each is exact, though two may be a datagram apart.
     *
     * @return the counters
     */
    public Metrics metrics() {
        return new Metrics(datagrams.get(), pipeline.records(), pipeline.malformed(), pipeline.events(),
                queue.delivered(), queue.dropped(), pipeline.coalesced(), source.enobufs(), source.kernelLostDelta(),
                source.nonKernelSenders(), source.truncated(), pipeline.timedOut(), pipeline.evicted(),
                pipeline.truncated(), delivery == null ? 0 : delivery.callbackErrors(), sinks.failures(), pipeline.replaceProbes(),
                pipeline.uevents(), pipeline.ueventsDeduplicated(), pipeline.ueventsMalformed(), source.ueventEnobufs(),
                sinks.eachCounters());
    }

    /**
     * @return whether the kernel has auditing enabled now (no DM records come while it is off),
     *     or null when the source cannot tell
     * @throws DmAuditException when the kernel's status cannot be read
     */
    public Boolean auditEnabled() {
        return source.auditEnabled();
    }

    /** @return the first failure of a sink, or null (a failed sink is not called again) */
    public IOException sinkFailure() {
        return sinks.firstFailure();
    }

    /**
     * Stops: ends the reader, flushes open events to the consumer, restores the kernel's audit
     * state (the source's close), joins the threads, closes the sinks. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        try {
            if (reader != null && reader != Thread.currentThread()) {
                source.close(); // wakes a blocked receive
                joinQuietly(reader, Duration.ofSeconds(10));
            }
            pipeline.flush(); // the reader has ended: this thread alone drives the pipeline now
        } finally {
            source.close();
            queue.end();
            // A callback closing the listener: its own thread cannot wait for the delivery to end.
            if (consumer != null && consumer != Thread.currentThread() && !delivery.deliveringOnThisThread()) {
                joinQuietly(consumer, Duration.ofSeconds(30));
            }
        }
    }

    private void startReader() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        if (warmUpFirst) {
            warmUpFirst = false;
            DecoderWarmup.run(settings); // the socket is open: what comes meanwhile waits in its buffer
        }
        reader = new Thread(this::readLoop, "dmaudit-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        byte[] buf = new byte[settings.datagramBufferBytes];
        byte[] ubuf = new byte[UEVENT_BUFFER_BYTES];
        int sinceUeventCheck = 0;
        try {
            while (!stopping) {
                int wait = waitMillis();
                int n = source.receive(buf, wait);
                if (n < 0) {
                    break;
                }
                long now = clock.now(wait < 0); // < 0: nothing was pending, the wall clock may be read anew
                if (n > 0) {
                    datagrams.incrementAndGet();
                    pipeline.acceptDatagram(buf, 0, n, now);
                }
                // The source's second channel, read without blocking: when the audit receive came
                // back without a datagram (it returns early when a uevent is readable), and every
                // UEVENT_CHECK_EVERY datagrams of a burst, so uevents are not kept waiting behind a
                // storm. Not after every datagram: an empty uevent receive is a syscall, and JFR
                // found 18 % of the reader's samples in it during a SYSCALL storm. A few per turn,
                // so audit datagrams are not kept waiting either.
                if (settings.uevents && (n == 0 || ++sinceUeventCheck >= UEVENT_CHECK_EVERY)) {
                    sinceUeventCheck = 0;
                    for (int i = 0, u; i < UEVENTS_PER_TURN && (u = source.receiveUevent(ubuf)) > 0; i++) {
                        pipeline.acceptUevent(ubuf, 0, u, now);
                    }
                }
                pipeline.tick(now);
                if (n == 0) {
                    pipeline.endOfBurst(); // nothing more right now: publish what came and what expired
                    queue.handOff(); // outside the pipeline: a callback may close the listener
                }
            }
            queue.endOfBurst();
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                LOG.log(System.Logger.Level.ERROR, "dmaudit reader stopped: " + e, e);
            }
        }
    }

    /**
     * How long the reader may block: not at all while a batch waits to be published (a burst
     * goes on only while more is there right now — waiting here would delay every event), until
     * the next grouping timeout or coalescing window, or for as long as nothing comes when nothing
     * waits — an idle listener then sleeps in poll(2) without periodic wake-ups.
     */
    private int waitMillis() {
        if (queue.hasBatch()) {
            return 0;
        }
        long deadline = pipeline.nextDeadline();
        if (deadline == Long.MAX_VALUE) {
            return -1;
        }
        return (int) Math.max(1, Math.min(60_000, deadline - clock.now(false)));
    }

    private static void joinQuietly(Thread t, Duration d) {
        try {
            t.join(d.toMillis());
            if (t.isAlive()) {
                LOG.log(System.Logger.Level.WARNING, "{0} did not stop within {1}", t.getName(), d);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
