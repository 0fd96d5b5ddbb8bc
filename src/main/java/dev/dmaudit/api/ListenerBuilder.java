package dev.dmaudit.api;

import dev.dmaudit.event.EventFilter;
import dev.dmaudit.event.EventStage;
import dev.dmaudit.event.Sink;
import dev.dmaudit.record.TypeMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/** Builds a {@link DmAuditListener}; every setting has a sensible default. */
public final class ListenerBuilder {
    /**
     * How long a verity uevent waits for the audit record of the same block. The kernel sends the
     * uevent synchronously and queues the audit record for kauditd, which delivers it within
     * milliseconds unless the audit backlog is long.
     */
    public static final Duration UEVENT_DEDUPE_WINDOW = Duration.ofSeconds(1);

    private final ListenerSettings c = new ListenerSettings();
    private RecordSource source;

    ListenerBuilder() {
    }

    /** @param mode multicast (default) or daemon @return this */
    public ListenerBuilder mode(Mode mode) {
        c.mode = Objects.requireNonNull(mode);
        return this;
    }

    /**
     * @param filter which events to deliver (default: DM events only; {@code EventFilter.all()} for
     *     every audit event)
     * @return this
     */
    public ListenerBuilder filter(EventFilter filter) {
        c.filter = Objects.requireNonNull(filter);
        c.pipeline.filter(filter);
        return this;
    }

    /** @param enable turn kernel auditing on if off, and back off at close @return this */
    public ListenerBuilder enableAudit(boolean enable) {
        c.enableAudit = enable;
        return this;
    }

    /** @param bytes socket receive buffer (default 128 MiB; the kernel charges it only while records wait) @return this */
    public ListenerBuilder receiveBuffer(int bytes) {
        if (bytes < 4096) {
            throw new IllegalArgumentException("receive buffer below 4096 bytes");
        }
        c.receiveBufferBytes = bytes;
        return this;
    }

    /** @param timeout how long an event waits for its EOE (default 300 ms, at most 60 s) @return this */
    public ListenerBuilder groupTimeout(Duration timeout) {
        c.pipeline.groupTimeout(timeout);
        return this;
    }

    /** @param n most events grouped at once (default 4096) @return this */
    public ListenerBuilder maxOpenEvents(int n) {
        c.pipeline.maxOpenEvents(n);
        return this;
    }

    /** @param n most records one event holds before it is delivered marked truncated (default 1024) @return this */
    public ListenerBuilder maxRecordsPerEvent(int n) {
        c.pipeline.maxRecordsPerEvent(n);
        return this;
    }

    /** @param capacity events queued for the consumer before drops (default 65536) @return this */
    public ListenerBuilder queueCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1");
        }
        c.queueCapacity = capacity;
        return this;
    }

    /** @param resolve name devices from sysfs (default true) @return this */
    public ListenerBuilder resolveDeviceNames(boolean resolve) {
        c.sysfsRoot = resolve ? (c.sysfsRoot == null ? Path.of("/sys") : c.sysfsRoot) : null;
        return this;
    }

    /** @param root the sysfs mount to resolve names from (default /sys; tests use a fake) @return this */
    public ListenerBuilder sysfsRoot(Path root) {
        c.sysfsRoot = Objects.requireNonNull(root);
        return this;
    }

    /** @param mapping type numbering, e.g. {@code TypeMapping.dmTypes(1336, 1337)} @return this */
    public ListenerBuilder typeMapping(TypeMapping mapping) {
        c.typeMapping = Objects.requireNonNull(mapping);
        c.pipeline.typeMapping(mapping);
        return this;
    }

    /** @param window fold repeated DM_EVENTs inside this window; null for off (default) @return this */
    public ListenerBuilder coalesce(Duration window) {
        c.pipeline.coalesce(window);
        return this;
    }

    /**
     * @param stage a pipeline stage to run on the reader thread after filtering and coalescing (it
     *     must not block; see {@link EventStage})
     * @return this
     */
    public ListenerBuilder stage(EventStage stage) {
        c.pipeline.stage(stage);
        return this;
    }

    /**
     * @param sink an output for every delivered event, called by {@link DmAuditListener#start}'s
     *     delivery (see there for the thread) before the callback (see {@link Sink} for the contract)
     * @return this
     */
    public ListenerBuilder sink(Sink sink) {
        c.sinks.add(Objects.requireNonNull(sink));
        return this;
    }

    /**
     * Locates the failing sector of every bio-level data event before the sinks see it: each sink
     * added with {@link #sink} (before or after this call) receives the event with its
     * {@code location} (file and offset, metadata kind, free space; see
     * {@link dev.dmaudit.locate.Locator}). Locating runs tools, so it runs on the delivery thread,
     * never the socket reader's ({@link dev.dmaudit.locate.LocatingSink}); the sinks share the
     * locator, so a burst is located once. The {@link DmAuditListener#start} callback gets events
     * unlocated: take located events from a sink.
     *
     * @param locator the locator ({@code Locator.create()}), or null for none (default)
     * @return this
     */
    public ListenerBuilder locate(dev.dmaudit.locate.Locator locator) {
        c.locator = locator;
        return this;
    }

    /**
     * Also listens to the kernel's uevents (NETLINK_KOBJECT_UEVENT, group 1; no privilege needed)
     * for what dm-verity reports only there: in {@code ignore_corruption} mode a corrupt block
     * gives no audit record, only a uevent. Each dm-verity corruption uevent becomes a verity data
     * event with {@link dev.dmaudit.event.DmEvent.Origin#UEVENT} (device: the dm device; sector:
     * the block). In EIO mode the kernel reports a block both ways: the uevent is held for
     * {@link #UEVENT_DEDUPE_WINDOW} and dropped when the audit record of the same block comes
     * (see {@link dev.dmaudit.event.EventPipeline.Builder#dedupeUevents}). Default false.
     *
     * @param on whether to listen to uevents
     * @return this
     */
    public ListenerBuilder uevents(boolean on) {
        c.uevents = on;
        c.pipeline.dedupeUevents(on ? UEVENT_DEDUPE_WINDOW : null);
        return this;
    }

    /** @param source where datagrams come from instead of the kernel (replay, tests) @return this */
    public ListenerBuilder source(RecordSource source) {
        this.source = source;
        return this;
    }

    /** @param clock milliseconds clock for timeouts and windows (tests) @return this */
    ListenerBuilder clock(LongSupplier clock) {
        return clocks(clock, () -> clock.getAsLong() * 1_000_000L); // one test clock: no step between the two
    }

    /**
     * @param wallMillis     the wall clock (tests)
     * @param monotonicNanos the monotonic clock (tests)
     * @return this
     */
    ListenerBuilder clocks(LongSupplier wallMillis, LongSupplier monotonicNanos) {
        c.clock = wallMillis;
        c.monotonicNanos = monotonicNanos;
        return this;
    }

    /**
     * @param warmUp when the listener starts, run the pipeline on ~0.4 s of synthetic records
     *     before the reader, so that a burst arriving right after start does not meet a cold JIT
     *     (default true; only for the kernel source). The socket is open by then: records that
     *     come meanwhile wait in its receive buffer, none is missed
     * @return this
     */
    public ListenerBuilder warmUp(boolean warmUp) {
        c.warmUp = warmUp;
        return this;
    }

    /**
     * Runs the reader and delivery threads at a nice value this much lower than the thread that
     * starts them, as auditd's {@code priority_boost} does for itself (its default is 4): under a
     * record storm the listener then wins CPU from the processes causing it instead of losing
     * records at the socket. {@link DmAuditListener#start} and {@link DmAuditListener#open} throw a
     * {@link DmAuditException} of kind PERMISSION, before starting anything, without CAP_SYS_NICE.
     *
     * @param boost 0 (default: no change) to 39
     * @return this
     */
    public ListenerBuilder priorityBoost(int boost) {
        if (boost < 0 || boost > 39) {
            throw new IllegalArgumentException("priority boost must be 0..39");
        }
        c.priorityBoost = boost;
        return this;
    }

    /**
     * Tries a priority boost on the calling thread and goes back, so that a caller can make a
     * missing CAP_SYS_NICE a warning (and build without the boost) instead of a failed start.
     *
     * @param boost nice levels, as for {@link #priorityBoost}
     * @return null when the boost is possible (or 0), else why not (kind PERMISSION)
     */
    public static DmAuditException priorityBoostRefusal(int boost) {
        return PriorityBoost.probe(boost);
    }

    /**
     * Opens the kernel socket (unless a source was given). Nothing is received until
     * {@link DmAuditListener#start} or {@link DmAuditListener#open}.
     *
     * @return the listener
     * @throws DmAuditException when the socket cannot be opened; its kind tells missing privilege,
     *     no audit, wrong namespace or daemon slot taken, its message the syscall and errno
     */
    public DmAuditListener build() {
        RecordSource s = source != null ? source
                : KernelSources.open(c.mode, c.enableAudit, c.receiveBufferBytes, c.filter, c.typeMapping, c.uevents);
        return new DmAuditListener(c, s, source == null && c.warmUp);
    }
}
