package dev.dmaudit.api;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmEvents;
import dev.dmaudit.event.EventAssembler;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.netlink.ThreadPriority;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuditRecordParser;
import dev.dmaudit.record.MalformedRecordException;
import dev.dmaudit.record.NetlinkFrames;
import dev.dmaudit.record.NetlinkMessage;
import dev.dmaudit.record.RecordTypes;
import dev.dmaudit.record.TypeMapping;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Live device-mapper audit events for host agents.
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
 * <p>A dedicated reader thread receives datagrams, decodes and groups them and puts the events
 * into a bounded queue; the consumer (the callback's own thread, or the caller of
 * {@link #take}) drains it. A consumer slower than the kernel loses events explicitly — counted
 * in {@link Metrics#droppedByQueue()} — and never blocks the reader, which would make the kernel
 * drop records silently.
 */
public final class DmAuditListener implements AutoCloseable, Iterable<Event> {
    private static final System.Logger LOG = System.getLogger(DmAuditListener.class.getName());
    private static final Event END = new Event(new AuditEvent(0, 0, java.util.List.of(), AuditEvent.Completion.FLUSH),
            null, 0, 0, 0, false);

    private final Config config;
    private final RecordSource source;
    private final ArrayBlockingQueue<Event> queue;
    private final AuditRecordParser parser;
    private final EventAssembler assembler;
    private final Coalescer coalescer;
    private final DeviceNameResolver names;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile boolean ended;
    private Thread reader;
    private Thread consumer;

    /**
     * Completed events not yet handed to the queue: the reader publishes them when the socket has
     * nothing more right now, or every {@link #BATCH} events, so that a consumer as fast as the
     * kernel is woken once per burst instead of once per event (a futex wake and a context switch
     * each, which at ~300k events/s cost the reader more than its decoding). Reader thread only
     * (and close() after the reader has ended).
     */
    private final java.util.ArrayList<Event> batch = new java.util.ArrayList<>(BATCH);
    private static final int BATCH = 256;

    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong consumerErrors = new AtomicLong();
    private final AtomicLong replaceProbes = new AtomicLong();
    private volatile long events;
    private volatile long timedOut;
    private volatile long evicted;
    private volatile long coalesced;

    private DmAuditListener(Config config, RecordSource source) {
        this.config = config;
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity + 1); // +1: END always fits
        this.parser = new AuditRecordParser(config.typeMapping);
        this.names = config.resolveNames ? new DeviceNameResolver(config.sysfsRoot) : null;
        this.coalescer = config.coalesceWindow == null ? null
                : new Coalescer(config.coalesceWindow.toMillis(), 4096, this::enqueue);
        this.assembler = new EventAssembler(config.groupTimeout.toMillis(), config.maxOpenEvents, this::completed);
    }

    /** @return a builder with the defaults: multicast, DM events only, no coalescing */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts delivering to a callback on a dedicated thread. An exception from the callback is
     * counted ({@link Metrics#consumerErrors()}) and logged; delivery goes on.
     *
     * @param callback receives each event
     * @return this listener
     */
    public DmAuditListener start(Consumer<Event> callback) {
        Objects.requireNonNull(callback, "callback");
        withPriorityBoost(() -> {
            startReader();
            consumer = new Thread(() -> consume(callback), "dmaudit-consumer");
            consumer.setDaemon(true);
            consumer.start();
        });
        return this;
    }

    /**
     * Starts the reader for pull delivery through {@link #take}, {@link #poll}, {@link #iterator}
     * or {@link #stream}.
     *
     * @return this listener
     */
    public DmAuditListener open() {
        withPriorityBoost(this::startReader);
        return this;
    }

    /**
     * Starts threads with a raised priority when asked: nice is per thread on Linux and a new
     * thread inherits its creator's, so this thread lowers its nice, starts them, and goes back.
     */
    private void withPriorityBoost(Runnable startThreads) {
        if (config.priorityBoost == 0) {
            startThreads.run();
            return;
        }
        ThreadPriority p = ThreadPriority.system();
        int before = p.nice();
        p.setNice(before - config.priorityBoost); // throws (nothing started) without CAP_SYS_NICE
        try {
            startThreads.run();
        } finally {
            p.setNice(before);
        }
    }

    /**
     * @return the next event, blocking; null once the listener is closed and drained
     * @throws InterruptedException when interrupted while waiting
     */
    public Event take() throws InterruptedException {
        if (ended) {
            return null;
        }
        Event e = queue.take();
        return endOrEvent(e);
    }

    /**
     * @param timeout how long to wait
     * @return the next event, or null on timeout or once closed and drained
     * @throws InterruptedException when interrupted while waiting
     */
    public Event poll(Duration timeout) throws InterruptedException {
        if (ended) {
            return null;
        }
        Event e = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
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

    /** @return a blocking iterator over events, ending when the listener is closed */
    @Override
    public Iterator<Event> iterator() {
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

    /** @return a blocking, sequential stream of events, ending when the listener is closed */
    public Stream<Event> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** @return a snapshot of the counters */
    public Metrics metrics() {
        RecordSource.SourceCounters c = source.counters();
        return new Metrics(datagrams.get(), records.get(), malformed.get(), events, delivered.get(), dropped.get(),
                coalesced, c.enobufs(), c.kernelLostDelta(), c.nonKernelSenders(), timedOut, evicted,
                consumerErrors.get(), replaceProbes.get());
    }

    /**
     * @return whether the kernel has auditing enabled now (no DM records come while it is off),
     *     or null when the source cannot tell
     */
    public Boolean auditEnabled() {
        return source.auditEnabled();
    }

    /**
     * Lets a consumer batch its output: an event is waiting in the queue right now (the next
     * {@link #take} or callback comes without waiting). A writer that flushes only when this is
     * false flushes once per burst instead of once per event, and still at once when idle.
     *
     * @return whether another event is queued for the consumer
     */
    public boolean hasPendingEvents() {
        Event e = queue.peek();
        return e != null && e != END;
    }

    /** @return the queue's capacity */
    public int queueCapacity() {
        return config.queueCapacity;
    }

    /**
     * Stops: ends the reader, flushes open events to the consumer, restores the kernel's audit
     * state (the source's close), joins the threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        try {
            if (reader != null) {
                source.close(); // wakes a blocked receive
                joinQuietly(reader, Duration.ofSeconds(10));
            }
            // The reader has ended: this thread alone touches the assembler now.
            publish();
            assembler.flush();
            if (coalescer != null) {
                coalescer.flush();
                coalesced = coalescer.coalesced();
            }
            publish();
            syncAssemblerStats();
        } finally {
            source.close();
            queue.offer(END);
            if (consumer != null && consumer != Thread.currentThread()) {
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
        reader = new Thread(this::readLoop, "dmaudit-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        byte[] buf = new byte[config.datagramBufferBytes];
        int pollMillis = (int) Math.max(10, Math.min(100, config.groupTimeout.toMillis()));
        NetlinkFrames.Visitor visitor = this::onMessage;
        try {
            while (!stopping) {
                // With events waiting to be published, only look whether more is there right now
                // (1 ms, not 0: a source may read 0 as "no timeout", as Object.wait does).
                int n = source.receive(buf, batch.isEmpty() ? pollMillis : 1);
                if (n < 0) {
                    break;
                }
                long now = config.clock.getAsLong();
                if (n > 0) {
                    datagrams.incrementAndGet();
                    try {
                        NetlinkFrames.forEach(buf, 0, n, visitor);
                    } catch (MalformedRecordException e) {
                        malformed.incrementAndGet();
                        LOG.log(System.Logger.Level.DEBUG, "malformed datagram skipped: {0}", e.getMessage());
                    }
                }
                assembler.expire(now);
                if (coalescer != null) {
                    coalescer.expire(now);
                    coalesced = coalescer.coalesced();
                }
                syncAssemblerStats();
                if (n == 0) {
                    publish(); // nothing more right now: hand over what came and what expiry completed
                }
            }
            publish();
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                LOG.log(System.Logger.Level.ERROR, "dmaudit reader stopped: " + e, e);
            }
        }
    }

    private void onMessage(NetlinkMessage m) {
        int type = m.type();
        if (type == RecordTypes.REPLACE) {
            // The kernel asks its daemon whether it lives because another process wants the slot;
            // receiving this is the answer that keeps it ours. Binary payload: the asker's pid.
            long n = replaceProbes.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "another process tried to register as the audit daemon"
                    + (m.payloadLength() >= 4 ? " (pid " + Integer.toUnsignedString(m.leadingInt()) + ")" : "")
                    + "; the slot stays ours (" + n + " attempts so far)");
            return;
        }
        // Control replies are the transport's business.
        if (!NetlinkFrames.isAuditRecord(type)) {
            return;
        }
        AuditRecord r;
        try {
            r = parser.parse(m);
        } catch (MalformedRecordException e) {
            malformed.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "malformed record of type {0} skipped: {1}", type, e.getMessage());
            return;
        }
        records.incrementAndGet();
        assembler.accept(r, config.clock.getAsLong());
    }

    private void completed(AuditEvent ev) {
        DmEvent dm = DmEvents.from(ev);
        if (dm != null && names != null) {
            String name = names.nameFor(dm);
            if (name != null) {
                dm = dm.withDeviceName(name);
            }
        }
        if (!config.filter.test(ev, dm)) {
            return;
        }
        if (coalescer != null && dm != null) {
            coalescer.accept(ev, dm, config.clock.getAsLong());
        } else {
            enqueue(Event.of(ev, dm));
        }
    }

    private void enqueue(Event e) {
        batch.add(e);
        if (batch.size() >= BATCH) {
            publish();
        }
    }

    /** Hands the batch to the consumer; what does not fit is dropped and counted, one by one. */
    private void publish() {
        for (int i = 0; i < batch.size(); i++) {
            // Single producer: the size check cannot race with another offer, and END keeps its slot.
            if (queue.size() >= config.queueCapacity || !queue.offer(batch.get(i))) {
                long n = dropped.incrementAndGet();
                if (Long.bitCount(n) == 1 && !config.silent) { // log at 1, 2, 4, 8, … drops, not per drop
                    LOG.log(System.Logger.Level.WARNING, "consumer too slow: {0} events dropped so far", n);
                }
            }
        }
        batch.clear();
    }

    private void consume(Consumer<Event> callback) {
        while (true) {
            Event e;
            try {
                e = take();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            if (e == null) {
                return;
            }
            try {
                callback.accept(e);
            } catch (RuntimeException ex) {
                long n = consumerErrors.incrementAndGet();
                if (Long.bitCount(n) == 1) {
                    LOG.log(System.Logger.Level.WARNING, "event callback threw (" + n + " so far): " + ex, ex);
                }
            }
        }
    }

    private void syncAssemblerStats() {
        var s = assembler.stats();
        events = s.events();
        timedOut = s.timedOut();
        evicted = s.evicted();
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

    /** Settings, fixed at build time. */
    static final class Config {
        Mode mode = Mode.MULTICAST;
        EventFilter filter = EventFilter.dmOnly();
        boolean enableAudit;
        /*
         * 128 MiB (the kernel allows twice that): at ~2.3 KiB per queued record (our estimate),
         * ~0.25 s of a ~450k records/s SYSCALL storm, which the warm reader outpaces. With 64 MiB,
         * cold starts and moments of CPU contention overran it in 8 of 11 storms of 3M-9M records
         * (tools/bench-overload syscalls); memory is charged only while records wait.
         */
        int receiveBufferBytes = 128 << 20;
        int datagramBufferBytes = 64 << 10;
        Duration groupTimeout = Duration.ofMillis(300);
        int maxOpenEvents = 4096;
        int queueCapacity = 65536;
        boolean resolveNames = true;
        Path sysfsRoot = Path.of("/sys");
        TypeMapping typeMapping = TypeMapping.standard();
        Duration coalesceWindow;
        LongSupplier clock = System::currentTimeMillis;
        boolean warmUp = true;
        int priorityBoost;
        /** No warnings (the warm-up's throwaway listener); counters still count. */
        boolean silent;

        Config copy() {
            Config c = new Config();
            c.mode = mode;
            c.filter = filter;
            c.enableAudit = enableAudit;
            c.receiveBufferBytes = receiveBufferBytes;
            c.datagramBufferBytes = datagramBufferBytes;
            c.groupTimeout = groupTimeout;
            c.maxOpenEvents = maxOpenEvents;
            c.queueCapacity = queueCapacity;
            c.resolveNames = resolveNames;
            c.sysfsRoot = sysfsRoot;
            c.typeMapping = typeMapping;
            c.coalesceWindow = coalesceWindow;
            c.clock = clock;
            c.warmUp = warmUp;
            c.priorityBoost = priorityBoost;
            c.silent = silent;
            return c;
        }
    }

    /** Builds a listener; every setting has a sensible default. */
    public static final class Builder {
        /** Warm-up budget: enough rounds for C2 to compile the read path (the time limit is what ends it here: ~0.4 s). */
        private static final long WARMUP_RECORDS = 400_000;
        private static final long WARMUP_MILLIS = 400;
        private Config c = new Config();
        private RecordSource source;

        private Builder() {
        }

        /** @param mode multicast (default) or daemon @return this */
        public Builder mode(Mode mode) {
            c.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** @param filter which events to deliver (default: DM events only) @return this */
        public Builder filter(EventFilter filter) {
            c.filter = Objects.requireNonNull(filter);
            return this;
        }

        /** @param all true to deliver every audit event, not only DM ones @return this */
        public Builder allEvents(boolean all) {
            EventFilter f = c.filter;
            c.filter = new EventFilter(all, f.modules(), f.ops(), f.device(), f.types());
            return this;
        }

        /** @param enable turn kernel auditing on if off, and back off at close @return this */
        public Builder enableAudit(boolean enable) {
            c.enableAudit = enable;
            return this;
        }

        /** @param bytes socket receive buffer (default 128 MiB; the kernel charges it only while records wait) @return this */
        public Builder receiveBuffer(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("receive buffer below 4096 bytes");
            }
            c.receiveBufferBytes = bytes;
            return this;
        }

        /** @param timeout how long an event waits for its EOE (default 300 ms) @return this */
        public Builder groupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.toMillis() > 60_000) {
                throw new IllegalArgumentException("group timeout must be 0..60 s");
            }
            c.groupTimeout = timeout;
            return this;
        }

        /** @param n most events grouped at once (default 4096) @return this */
        public Builder maxOpenEvents(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxOpenEvents must be >= 1");
            }
            c.maxOpenEvents = n;
            return this;
        }

        /** @param capacity events queued for the consumer before drops (default 65536) @return this */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queue capacity must be >= 1");
            }
            c.queueCapacity = capacity;
            return this;
        }

        /** @param resolve name devices from sysfs (default true) @return this */
        public Builder resolveDeviceNames(boolean resolve) {
            c.resolveNames = resolve;
            return this;
        }

        /** @param root the sysfs mount to resolve names from (default /sys; tests use a fake) @return this */
        public Builder sysfsRoot(Path root) {
            c.sysfsRoot = Objects.requireNonNull(root);
            return this;
        }

        /** @param mapping type numbering, e.g. {@code TypeMapping.dmTypes(1336, 1337)} @return this */
        public Builder typeMapping(TypeMapping mapping) {
            c.typeMapping = Objects.requireNonNull(mapping);
            return this;
        }

        /** @param window fold repeated DM_EVENTs inside this window; null for off (default) @return this */
        public Builder coalesce(Duration window) {
            if (window != null && (window.isNegative() || window.isZero())) {
                throw new IllegalArgumentException("coalesce window must be positive");
            }
            c.coalesceWindow = window;
            return this;
        }

        /** @param source where datagrams come from instead of the kernel (replay, tests) @return this */
        public Builder source(RecordSource source) {
            this.source = source;
            return this;
        }

        /** @param clock milliseconds clock for timeouts and windows (tests) @return this */
        Builder clock(LongSupplier clock) {
            c.clock = clock;
            return this;
        }

        /**
         * @param warmUp before opening the kernel socket, run the decoding path on ~0.4 s of
         *     synthetic records so that a burst arriving right after start does not meet a cold JIT
         *     (default true; only for the kernel source)
         * @return this
         */
        public Builder warmUp(boolean warmUp) {
            c.warmUp = warmUp;
            return this;
        }

        /**
         * Runs the reader and consumer threads at a nice value this much lower than the thread that
         * starts them, as auditd's {@code priority_boost} does for itself (its default is 4): under
         * a record storm the listener then wins CPU from the processes causing it instead of
         * losing records at the socket. {@link DmAuditListener#start} and {@link DmAuditListener#open}
         * throw a {@link dev.dmaudit.netlink.NetlinkException} of kind PERMISSION, before starting
         * anything, when the process lacks CAP_SYS_NICE.
         *
         * @param boost 0 (default: no change) to 39
         * @return this
         */
        public Builder priorityBoost(int boost) {
            if (boost < 0 || boost > 39) {
                throw new IllegalArgumentException("priority boost must be 0..39");
            }
            c.priorityBoost = boost;
            return this;
        }

        /** Takes every setting from {@code config} (a copy of it). */
        Builder configure(Config config) {
            c = config.copy();
            return this;
        }

        /**
         * Opens the kernel socket (unless a source was given). Nothing is received until
         * {@link DmAuditListener#start} or {@link DmAuditListener#open}.
         *
         * @return the listener
         * @throws dev.dmaudit.netlink.NetlinkException when the socket cannot be opened; it names
         *     the syscall and errno, and its kind tells missing privilege, no audit, daemon slot taken
         */
        public DmAuditListener build() {
            if (source == null && c.warmUp) {
                DecoderWarmup.run(c, WARMUP_RECORDS, WARMUP_MILLIS);
            }
            RecordSource s = source != null ? source
                    : KernelSources.open(c.mode, c.enableAudit, c.receiveBufferBytes, c.filter, c.typeMapping);
            return new DmAuditListener(c, s);
        }
    }
}
