package dev.dmaudit.event;

import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuditRecordParser;
import dev.dmaudit.record.MalformedRecordException;
import dev.dmaudit.record.NetlinkFrames;
import dev.dmaudit.record.NetlinkMessage;
import dev.dmaudit.record.RecordTypes;
import dev.dmaudit.record.TypeMapping;
import dev.dmaudit.record.UeventParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Records in, filtered typed events out: the one path every event takes, whether it came from the
 * kernel's socket ({@link #acceptDatagram}) or an audit.log line ({@link #acceptLogLine}).
 *
 * <pre>
 *   datagram ─ NetlinkFrames ─ AuditRecordParser ─┐
 *   log line ─ AuditLogParser ────────────────────┴─ assemble (serial) ─ type (DmEvents)
 *       ─ name the device ─ filter ─ (verity dedupe) ─ (coalesce) ─ (added stages) ─ sink
 *   uevent ─ UeventParser ─ VerityUevents ──────────┘ (joins at "name the device")
 * </pre>
 *
 * <p>Time is the caller's: live, the wall clock at each datagram and {@link #tick}; a log is
 * grouped on its records' own times, so a file decodes the same at any speed. Not thread-safe: one
 * thread drives it (the listener's reader, or the caller of {@code decode}); the sink is called on
 * that thread and must not block it — the listener's sink is its bounded queue.
 */
public final class EventPipeline {
    private static final System.Logger LOG = System.getLogger(EventPipeline.class.getName());

    private final AuditRecordParser datagramParser;
    private final AuditLogParser lineParser;
    private final EventAssembler assembler;
    private final List<EventStage> stages;
    private final Coalescer coalescer;
    private final VerityDedupe dedupe;
    private final Sink sink;
    /** The next step after stage i is {@code steps.get(i + 1)}; the last one hands to the sink. */
    private final List<Consumer<Event>> steps = new ArrayList<>();
    private final NetlinkFrames.Visitor onMessage = this::onMessage;
    private long now;
    private long malformed;
    private long replaceProbes;
    private long uevents;
    private long ueventsMalformed;

    private EventPipeline(Builder b) {
        this.datagramParser = new AuditRecordParser(b.typeMapping);
        this.lineParser = new AuditLogParser(b.typeMapping);
        this.sink = Objects.requireNonNull(b.sink, "sink");
        List<EventStage> s = new ArrayList<>();
        if (b.sysfsRoot != null) {
            s.add(new DeviceNaming(new DeviceNameResolver(b.sysfsRoot)));
        }
        s.add(b.filter);
        this.dedupe = b.ueventWindow == null ? null
                : new VerityDedupe(b.ueventWindow.toMillis(), () -> now, b.sysfsRoot != null ? b.sysfsRoot : Path.of("/sys"));
        if (dedupe != null) {
            s.add(dedupe);
        }
        this.coalescer = b.coalesceWindow == null ? null : new Coalescer(b.coalesceWindow.toMillis(), 4096, () -> now);
        if (coalescer != null) {
            s.add(coalescer);
        }
        s.addAll(b.stages);
        this.stages = List.copyOf(s);
        for (int i = 0; i < stages.size(); i++) {
            EventStage stage = stages.get(i);
            int next = i + 1;
            steps.add(e -> stage.accept(e, step(next)));
        }
        steps.add(this::toSink);
        this.assembler = new EventAssembler(b.groupTimeout.toMillis(), b.maxOpenEvents, b.maxRecordsPerEvent, this::typed);
    }

    /** @return a builder with the defaults: DM events only, 300 ms grouping, no naming, no coalescing */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One NETLINK_AUDIT datagram. A malformed one is counted ({@link #malformed}) and skipped.
     *
     * @param buf       the datagram
     * @param off       where it starts
     * @param len       its length
     * @param nowMillis the caller's clock
     */
    public void acceptDatagram(byte[] buf, int off, int len, long nowMillis) {
        now = nowMillis;
        try {
            NetlinkFrames.forEach(buf, off, len, onMessage);
        } catch (MalformedRecordException e) {
            malformed++;
            LOG.log(System.Logger.Level.DEBUG, "malformed datagram skipped: {0}", e.getMessage());
        }
    }

    /**
     * One audit.log line (without its newline). Grouping runs on the record's own time.
     *
     * @param line the line's bytes
     * @throws MalformedRecordException when the line is not an audit record (counted too); the
     *     caller reports it with its line number
     */
    public void acceptLogLine(byte[] line) throws MalformedRecordException {
        AuditRecord r;
        try {
            r = lineParser.parse(line);
        } catch (MalformedRecordException e) {
            malformed++;
            throw e;
        }
        accept(r, r.timeMillis());
    }

    /**
     * One decoded record.
     *
     * @param r         the record
     * @param nowMillis the caller's clock
     */
    public void accept(AuditRecord r, long nowMillis) {
        now = nowMillis;
        assembler.accept(r, nowMillis);
    }

    /**
     * One NETLINK_KOBJECT_UEVENT datagram from the kernel: a dm-verity corruption uevent becomes a
     * verity data event ({@link VerityUevents}) and takes the same path as an audit event (after
     * typing). Any other uevent is ignored; a malformed one is counted ({@link #ueventsMalformed}).
     *
     * @param buf       the datagram
     * @param off       where it starts
     * @param len       its length
     * @param nowMillis the caller's clock
     */
    public void acceptUevent(byte[] buf, int off, int len, long nowMillis) {
        now = nowMillis;
        Event e;
        try {
            e = VerityUevents.from(UeventParser.parse(buf, off, len), nowMillis);
        } catch (MalformedRecordException ex) {
            ueventsMalformed++;
            LOG.log(System.Logger.Level.DEBUG, "malformed uevent skipped: {0}", ex.getMessage());
            return;
        }
        if (e != null) {
            uevents++;
            steps.get(0).accept(e);
        }
    }

    /**
     * Time passes: completes events whose grouping timeout ran out and closes coalescing windows.
     *
     * @param nowMillis the caller's clock
     */
    public void tick(long nowMillis) {
        now = nowMillis;
        assembler.expire(nowMillis);
        for (int i = 0; i < stages.size(); i++) {
            stages.get(i).tick(nowMillis, step(i + 1));
        }
    }

    /** No further input is ready now: the sink may write out what it buffers. */
    public void endOfBurst() {
        try {
            sink.endOfBurst();
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "sink failed at end of burst: {0}", e.toString());
        }
    }

    /** End of input or close: every open event and held run goes to the sink, which is then told. */
    public void flush() {
        assembler.flush();
        for (int i = 0; i < stages.size(); i++) {
            stages.get(i).flush(step(i + 1));
        }
        endOfBurst();
    }

    private void onMessage(NetlinkMessage m) {
        int type = m.type();
        if (type == RecordTypes.REPLACE) {
            // The kernel asks its daemon whether it lives because another process wants the slot;
            // receiving this is the answer that keeps it ours. Binary payload: the asker's pid.
            replaceProbes++;
            LOG.log(System.Logger.Level.WARNING, "another process tried to register as the audit daemon"
                    + (m.payloadLength() >= 4 ? " (pid " + Integer.toUnsignedString(m.leadingInt()) + ")" : "")
                    + "; the slot stays ours (" + replaceProbes + " attempts so far)");
            return;
        }
        if (!NetlinkFrames.isAuditRecord(type)) {
            return; // control replies are the transport's business
        }
        AuditRecord r;
        try {
            r = datagramParser.parse(m);
        } catch (MalformedRecordException e) {
            malformed++;
            LOG.log(System.Logger.Level.DEBUG, "malformed record of type {0} skipped: {1}", type, e.getMessage());
            return;
        }
        assembler.accept(r, now);
    }

    private void typed(AuditEvent ev) {
        steps.get(0).accept(Event.of(ev, DmEvents.from(ev)));
    }

    private Consumer<Event> step(int i) {
        return steps.get(i);
    }

    private void toSink(Event e) {
        try {
            sink.accept(e);
        } catch (java.io.IOException ex) {
            // A sink that reports failures keeps them (Sinks); a bare one that throws loses this event.
            LOG.log(System.Logger.Level.DEBUG, "sink failed: {0}", ex.toString());
        }
    }

    /**
     * @return the earliest time (the caller's clock) at which {@link #tick} has work — an event's
     *     grouping timeout or a coalescing window — or {@link Long#MAX_VALUE} when nothing waits,
     *     so a live reader can block until then instead of waking periodically
     */
    public long nextDeadline() {
        long d = assembler.nextDeadline();
        for (EventStage s : stages) {
            d = Math.min(d, s.nextDeadline());
        }
        return d;
    }

    /** @return records decoded and grouped */
    public long records() {
        return assembler.records();
    }

    /** @return datagrams, records or lines that failed to decode (counted, skipped) */
    public long malformed() {
        return malformed;
    }

    /** @return events completed by grouping */
    public long events() {
        return assembler.events();
    }

    /** @return events completed by the grouping timeout (no EOE seen) */
    public long timedOut() {
        return assembler.timedOut();
    }

    /** @return events emitted early to bound the number open at once */
    public long evicted() {
        return assembler.evicted();
    }

    /** @return events emitted early at the cap on records per event */
    public long truncated() {
        return assembler.truncated();
    }

    /** @return DM_EVENT repeats folded into summary events */
    public long coalesced() {
        return coalescer == null ? 0 : coalescer.coalesced();
    }

    /** @return AUDIT_REPLACE probes: another process tried to take the audit daemon slot */
    public long replaceProbes() {
        return replaceProbes;
    }

    /** @return dm-verity corruption uevents made into events ({@link #acceptUevent}) */
    public long uevents() {
        return uevents;
    }

    /** @return uevent datagrams that failed to decode (counted, skipped) */
    public long ueventsMalformed() {
        return ueventsMalformed;
    }

    /** @return verity uevents not reported because an audit record reported the same block */
    public long ueventsDeduplicated() {
        return dedupe == null ? 0 : dedupe.dropped();
    }

    /** @return events open now (grouping) */
    public int openEvents() {
        return assembler.open();
    }

    /** Settings of a pipeline; every one has a default. */
    public static final class Builder {
        private TypeMapping typeMapping = TypeMapping.standard();
        private Duration groupTimeout = Duration.ofMillis(300);
        private int maxOpenEvents = 4096;
        private int maxRecordsPerEvent = EventAssembler.DEFAULT_MAX_RECORDS;
        private Path sysfsRoot;
        private EventFilter filter = EventFilter.dmOnly();
        private Duration coalesceWindow;
        private Duration ueventWindow;
        private final List<EventStage> stages = new ArrayList<>();
        private Sink sink;

        private Builder() {
        }

        /** @param m type numbering, e.g. {@code TypeMapping.dmTypes(1336, 1337)} @return this */
        public Builder typeMapping(TypeMapping m) {
            typeMapping = Objects.requireNonNull(m);
            return this;
        }

        /** @param d how long an event waits for its EOE (0..60 s) @return this */
        public Builder groupTimeout(Duration d) {
            if (d.isNegative() || d.toMillis() > 60_000) {
                throw new IllegalArgumentException("group timeout must be 0..60 s");
            }
            groupTimeout = d;
            return this;
        }

        /** @param n most events grouped at once (>= 1) @return this */
        public Builder maxOpenEvents(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxOpenEvents must be >= 1");
            }
            maxOpenEvents = n;
            return this;
        }

        /** @param n most records one event holds before it is emitted as truncated (>= 1) @return this */
        public Builder maxRecordsPerEvent(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxRecordsPerEvent must be >= 1");
            }
            maxRecordsPerEvent = n;
            return this;
        }

        /** @param root the sysfs mount to name devices from ({@code /sys}), or null for no naming @return this */
        public Builder nameDevices(Path root) {
            sysfsRoot = root;
            return this;
        }

        /** @param f which events to pass on (default: DM events only) @return this */
        public Builder filter(EventFilter f) {
            filter = Objects.requireNonNull(f);
            return this;
        }

        /** @param window fold repeated DM_EVENTs inside this window; null for off @return this */
        public Builder coalesce(Duration window) {
            if (window != null && (window.isNegative() || window.isZero())) {
                throw new IllegalArgumentException("coalesce window must be positive");
            }
            coalesceWindow = window;
            return this;
        }

        /**
         * Verity corruption uevents ({@link EventPipeline#acceptUevent}) are reported once with
         * their audit twin: a uevent is held this long for an audit record of the same block
         * ({@link VerityDedupe}). Without this setting, uevents pass undeduplicated.
         *
         * @param window the hold window (1 ms..60 s), or null for none
         * @return this
         */
        public Builder dedupeUevents(Duration window) {
            if (window != null && (window.isNegative() || window.isZero() || window.toMillis() > 60_000)) {
                throw new IllegalArgumentException("uevent dedupe window must be 1 ms..60 s");
            }
            ueventWindow = window;
            return this;
        }

        /** @param stage a stage to run after filtering and coalescing, in the order added @return this */
        public Builder stage(EventStage stage) {
            stages.add(Objects.requireNonNull(stage));
            return this;
        }

        /** @param s where events that passed every stage go @return this */
        public Builder sink(Sink s) {
            sink = Objects.requireNonNull(s);
            return this;
        }

        /** @return the pipeline */
        public EventPipeline build() {
            return new EventPipeline(this);
        }

        /**
         * Builds a pipeline into {@code terminal} without this builder keeping it: a builder that
         * serves several pipelines (a listener's settings, then its warm-up's throwaway ones) must
         * not hold the last one's sink, and with it that pipeline's queue and buffers.
         *
         * @param terminal where this pipeline's events go; the builder's own {@link #sink} is kept
         * @return the pipeline
         */
        public EventPipeline build(Sink terminal) {
            Sink kept = sink;
            sink = Objects.requireNonNull(terminal);
            try {
                return new EventPipeline(this);
            } finally {
                sink = kept;
            }
        }
    }
}
