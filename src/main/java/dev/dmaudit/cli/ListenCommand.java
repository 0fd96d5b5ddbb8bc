package dev.dmaudit.cli;

import dev.dmaudit.sink.OutputFile;

import dev.dmaudit.sink.Sanitize;

import dev.dmaudit.api.DmAuditException;
import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.os.NativeHeap;
import dev.dmaudit.api.ListenerBuilder;
import dev.dmaudit.api.Metrics;
import dev.dmaudit.api.Mode;
import dev.dmaudit.dm.DmEnricher;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.sink.WriterSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dmaudit listen}: live device-mapper events from the kernel. */
@Command(name = "listen",
        mixinStandardHelpOptions = true,
        description = {"Print live device-mapper audit events from the kernel.",
                "stdout carries only events; progress and counters go to stderr."},
        footer = {"", "Examples:",
                "  sudo dmaudit listen                                  # DM events, one line each",
                "  sudo dmaudit listen --format json | jq .             # one JSON object per line",
                "  sudo dmaudit listen --op integrity-checksum --coalesce 5s",
                "  sudo dmaudit listen --all --format raw --output /var/log/dm-audit.log",
                "  sudo dmaudit listen --mode daemon --enable-audit     # no auditd running",
                "  sudo dmaudit listen --exec /etc/dmaudit/hooks/notify.sh --exec-filter op=integrity-checksum",
                "  dmaudit listen --count 1 --timeout 60s               # with CAP_AUDIT_READ only",
                "", "Exit: 0 normal end (count, timeout, SIGINT/SIGTERM); 2 usage; 4 no privilege;",
                "5 no audit in this kernel/namespace; 6 daemon slot taken; 11 output error."})
public final class ListenCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EventOptions options = new EventOptions();

    /** The other outputs (hooks, …): each its own mixin, so this command does not grow with them. */
    @Mixin
    ListenSinks outputs = new ListenSinks();

    @Mixin
    LocateOptions locate = new LocateOptions();

    @Mixin
    UeventOptions uevents = new UeventOptions();

    @Option(names = "--mode", paramLabel = "MODE", description = "multicast (default: read-only beside auditd, CAP_AUDIT_READ) or daemon (register as the audit daemon).")
    Mode mode = Mode.MULTICAST;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = "Stop after this long (500ms, 30s, 5m, 2h).")
    Duration timeout;

    @Option(names = "--enable-audit", description = "Turn kernel auditing on if it is off (restored at exit).")
    boolean enableAudit;

    @Option(names = "--coalesce", paramLabel = "WINDOW", converter = DurationConverter.class, description = "Fold identical DM_EVENTs (device, op, sector) inside WINDOW into one line with a count; the first prints at once.")
    Duration coalesce;

    @Option(names = "--output", paramLabel = "FILE", description = "Append events to FILE (created 0600, symlinks refused, fsynced at exit) instead of stdout.")
    Path output;

    @Option(names = "--stats-interval", paramLabel = "DURATION", converter = DurationConverter.class, description = "With --stats: how often to print counters (default: 10s).")
    Duration statsInterval = Duration.ofSeconds(10);

    @Option(names = "--receive-buffer", paramLabel = "BYTES", description = "Socket receive buffer (default: ${DEFAULT-VALUE}).")
    int receiveBuffer = 128 << 20; // why 128 MiB: api/ListenerSettings

    @Option(names = "--priority-boost", paramLabel = "N",
            description = "Run the reader and output threads N nice levels above the caller, as auditd's priority_boost (default: 10 in multicast mode, 0 in daemon mode; 0 for none; needs CAP_SYS_NICE, else a warning and none).")
    Integer priorityBoostGiven;

    /**
     * Why 10 in multicast mode: under a user-message flood from two processes at the kernel's
     * maximum rate, `listen --all --format json` lost 17-49 % at boost 0 and at auditd's 4 (10 of 10
     * runs), nothing at 10 (9 of 9; BENCHMARKS.md, "Priority boost").
     */
    static final int DEFAULT_PRIORITY_BOOST = 10;

    /**
     * Why 0 as the audit daemon: the kernel never drops records for its daemon, it makes the audited
     * processes wait (backlog_wait_time) until the daemon reads; a boosted daemon only takes CPU
     * from them and from kauditd. Measured (200,000-record flood, BENCHMARKS.md "Daemon mode"):
     * 2.0–2.9 s at boost 10, 1.6–1.7 s at 0.
     */
    int priorityBoost() {
        return priorityBoostGiven != null ? priorityBoostGiven : mode == Mode.DAEMON ? 0 : DEFAULT_PRIORITY_BOOST;
    }

    /** How often the audit switch and the ENOBUFS count are looked at (one AUDIT_GET). */
    static final Duration WATCH_EVERY = Duration.ofSeconds(5);
    /** While nothing arrives the checks back off to this gap (MainLoop, WatchGaps). */
    static final Duration WATCH_IDLE_MAX = Duration.ofSeconds(60);

    @Option(names = "--no-warm-up",
            description = "Skip the ~0.4 s warm-up of the pipeline that follows the socket's opening (a burst right after start may then overrun the buffer).")
    boolean noWarmUp;

    @Option(names = "--queue", paramLabel = "N", description = "Events queued for output before counted drops (default: ${DEFAULT-VALUE}).")
    int queueCapacity = 65536;

    @Option(names = "--no-device-names", description = "Do not resolve device names from sysfs.")
    boolean noDeviceNames;

    @Option(names = "--enrich-status", description = "Add the device's current target type and mismatch count (dmsetup status; rate-limited: one query per device per 2 s, bursts of 5).")
    boolean enrichStatus;

    /** Where the listener comes from; tests replace it to feed recorded datagrams. */
    static ListenerFactory factory = ListenerBuilder::build;

    /** Seam for tests. */
    interface ListenerFactory {
        DmAuditListener build(ListenerBuilder builder);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        java.util.concurrent.atomic.AtomicReference<DmAuditListener> built = new java.util.concurrent.atomic.AtomicReference<>();
        ListenSinks.Context context = new ListenSinks.Context(options.all, () -> built.get() == null ? null : built.get().metrics(),
                mode.name().toLowerCase(java.util.Locale.ROOT), () -> built.get() == null ? null : built.get().auditEnabled());
        java.util.List<Sink> others = outputs.open(context); // usage errors first: nothing opened yet
        PrintWriter err = spec.commandLine().getErr();
        // The output first: a refused --output must not leave auditing switched on, and opening
        // it never blocks (a FIFO planted at the path is refused, not waited on).
        OutputFile file = null;
        OutputStream out = Streams.of(spec).out();
        if (output != null) {
            try {
                file = OutputFile.open(output);
            } catch (IOException e) {
                throw new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot open --output " + output + ": " + IoErrors.reason(e), e);
            }
            out = new BufferedOutputStream(file, 1 << 16);
        }
        DmEnricher enricher = enrichStatus ? DmEnricher.withDefaults(DmTooling.dmsetup(Duration.ofSeconds(10))) : null;
        WriterSink writer = options.sink(out, enricher == null ? null : e -> DeviceStatus.of(enricher, e));
        CountDownLatch done = new CountDownLatch(1);
        UntilCount limited = new UntilCount(outputs.gate(writer, context), count, done); // the history commits before the output shows
        int priorityBoost = priorityBoost();
        DmAuditException boostRefused = ListenerBuilder.priorityBoostRefusal(priorityBoost);
        ListenerBuilder b = uevents.applyTo(locate.applyTo(options.applyTo(DmAuditListener.builder())))
                .priorityBoost(boostRefused == null ? priorityBoost : 0)
                .mode(mode)
                .enableAudit(enableAudit)
                .receiveBuffer(receiveBuffer)
                .warmUp(!noWarmUp)
                .queueCapacity(queueCapacity)
                .resolveDeviceNames(!noDeviceNames)
                .coalesce(coalesce)
                .sink(limited);
        for (Sink other : others) {
            // each its own sink, so a failing output does not stop the others; the same --count, so
            // they see exactly the events printed (slow ones queue: they never hold the output)
            b.sink(new UntilCount(other, count, new CountDownLatch(1)));
        }
        DmAuditListener listener;
        try {
            listener = factory.build(b);
            built.set(listener);
        } catch (DmAuditException e) {
            closeQuietly(file);
            throw ApiFailures.toCli(e);
        }
        Thread fallback = new Thread(listener::close, "dmaudit-restore");
        Runtime.getRuntime().addShutdownHook(fallback); // restores audit state even on an abrupt exit
        SignalStop signals = SignalStop.install(done::countDown);
        if (boostRefused != null) { // said only once the socket is ours: a missing privilege for it comes first
            err.println("dmaudit: warning: cannot raise the listener's priority (" + boostRefused.getMessage()
                    + "); it runs at normal priority (--priority-boost 0 silences this)");
        }
        int exit = ExitCodes.OK;
        try {
            warnIfAuditDisabled(listener, err);
            err.println("dmaudit: listening (" + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode)"
                    + (count != null ? ", until " + count + " events" : "")
                    + (timeout != null ? ", for " + DurationConverter.format(timeout) : "") + "; Ctrl-C to stop");
            err.flush();
            AuditStateWatch watch = new AuditStateWatch(listener, err);
            listener.start(ev -> { }); // the sinks do the work
            // This thread waits for the end and does the periodic work itself (the audit switch
            // and ENOBUFS watch, --stats): no timer thread of its own.
            IdleTrim trim = new IdleTrim(() -> listener.metrics().datagrams(), NativeHeap::residentPages, NativeHeap::trim);
            new MainLoop(System::nanoTime).run(done, timeout, WATCH_EVERY, WATCH_IDLE_MAX, () -> {
                boolean reported = watch.check();
                return trim.tick() | reported; // both run on every tick
            },
                    options.stats ? statsInterval : null, () -> printStats(err, listener.metrics(), writer.written()));
        } finally {
            listener.close(); // flushes open events through the sinks, restores audit state
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    exit = ExitCodes.OUTPUT_ERROR;
                    err.println("dmaudit: " + Outputs.failure(e, output).getMessage());
                }
            }
            if (options.stats) {
                printStats(err, listener.metrics(), writer.written());
            }
            signals.uninstall();
            try {
                Runtime.getRuntime().removeShutdownHook(fallback);
            } catch (IllegalStateException shuttingDown) {
                // already exiting: the hook runs, close() is idempotent
            }
        }
        err.flush();
        if (listener.sinkFailure() != null) {
            throw Outputs.failure(listener.sinkFailure(), output);
        }
        return exit;
    }

    private static void closeQuietly(OutputFile file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // the listener never started: nothing was written
            }
        }
    }

    /** Ends {@code listen} after N events (the rest of a flush is not wanted) or on an output failure; passes close on. */
    private static final class UntilCount implements Sink {
        private final Sink out;
        private final Long count;
        private final CountDownLatch done;
        private long seen;

        UntilCount(Sink out, Long count, CountDownLatch done) {
            this.out = out;
            this.count = count;
            this.done = done;
        }

        @Override
        public void accept(Event e) throws IOException {
            if (count != null && seen >= count) {
                return;
            }
            seen++;
            try {
                out.accept(e);
            } catch (IOException ex) {
                done.countDown();
                throw ex;
            }
            if (count != null && seen >= count) {
                endOfBurst();
                done.countDown();
            }
        }

        @Override
        public void endOfBurst() throws IOException {
            try {
                out.endOfBurst();
            } catch (IOException ex) {
                done.countDown();
                throw ex;
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public dev.dmaudit.event.SinkCounters counters() {
            return out.counters();
        }

        /** @return the output's twin without the count (the warm-up's events must not end listen) */
        @Override
        public Sink warmUpTwin() {
            Sink twin = out.warmUpTwin();
            return twin == null ? null : new UntilCount(twin, null, new CountDownLatch(1));
        }
    }

    private static void warnIfAuditDisabled(DmAuditListener listener, PrintWriter err) {
        Boolean enabled;
        try {
            enabled = listener.auditEnabled();
        } catch (DmAuditException e) {
            err.println("dmaudit: cannot read the kernel's audit status (" + Sanitize.oneLine(e.getMessage()) + "); listening anyway");
            return;
        }
        if (Boolean.FALSE.equals(enabled)) {
            err.println("dmaudit: kernel auditing is disabled: no DM records will come until it is enabled "
                    + "(dmaudit listen --enable-audit, or auditctl -e 1); listening anyway");
        }
    }

    private void validate() {
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        if (receiveBuffer < 4096) {
            throw new ParameterException(spec.commandLine(), "--receive-buffer must be at least 4096 bytes");
        }
        if (queueCapacity < 1) {
            throw new ParameterException(spec.commandLine(), "--queue must be at least 1");
        }
        if (priorityBoost() < 0 || priorityBoost() > 39) {
            throw new ParameterException(spec.commandLine(), "--priority-boost must be 0..39");
        }
        if (statsInterval.isZero()) {
            throw new ParameterException(spec.commandLine(), "--stats-interval needs a positive duration");
        }
        if (coalesce != null && coalesce.isZero()) {
            throw new ParameterException(spec.commandLine(), "--coalesce needs a positive window");
        }
    }

    static void printStats(PrintWriter err, Metrics m, long written) {
        err.printf("dmaudit: stats datagrams=%d records=%d events=%d written=%d dropped_queue=%d enobufs=%d "
                        + "kernel_lost_delta=%s malformed=%d non_kernel=%d truncated_datagrams=%d coalesced=%d "
                        + "timed_out=%d evicted=%d truncated_events=%d sink_failures=%d replace_probes=%d "
                        + "uevents=%d uevents_deduplicated=%d uevents_malformed=%d uevent_enobufs=%d%s%n",
                m.datagrams(), m.records(), m.events(), written, m.droppedByQueue(), m.enobufs(), m.kernelLostDeltaText(),
                m.malformed(), m.nonKernelSenders(), m.truncatedDatagrams(), m.coalesced(), m.timedOutEvents(),
                m.evictedEvents(), m.truncatedEvents(), m.sinkFailures(), m.replaceProbes(),
                m.uevents(), m.ueventsDeduplicated(), m.ueventsMalformed(), m.ueventEnobufs(),
                ListenSinks.stats(m));
        err.flush();
    }
}
