package dev.dmaudit.cli;

import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.api.Event;
import dev.dmaudit.api.Metrics;
import dev.dmaudit.api.Mode;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.dm.DeviceId;
import dev.dmaudit.dm.DmEnricher;
import dev.dmaudit.netlink.NetlinkException;
import dev.dmaudit.netlink.ThreadPriority;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
                "  dmaudit listen --count 1 --timeout 60s               # with CAP_AUDIT_READ only",
                "", "Exit: 0 normal end (count, timeout, SIGINT/SIGTERM); 2 usage; 4 no privilege;",
                "5 no audit in this kernel/namespace; 6 daemon slot taken; 11 output error."})
public final class ListenCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EventOptions options = new EventOptions();

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

    @Option(names = "--stats-interval", paramLabel = "DURATION", converter = DurationConverter.class, description = "With --stats: how often to print counters (default: ${DEFAULT-VALUE}).")
    Duration statsInterval = Duration.ofSeconds(10);

    @Option(names = "--receive-buffer", paramLabel = "BYTES", description = "Socket receive buffer (default: ${DEFAULT-VALUE}).")
    int receiveBuffer = 128 << 20; // why 128 MiB: DmAuditListener.Config

    @Option(names = "--priority-boost", paramLabel = "N",
            description = "Run the reader and output threads N nice levels above the caller, as auditd's priority_boost (default: ${DEFAULT-VALUE}; 0 for none; needs CAP_SYS_NICE, else a warning and none).")
    int priorityBoost = DEFAULT_PRIORITY_BOOST;

    /**
     * Why 10: under a user-message flood from two processes at the kernel's maximum rate, `listen
     * --all --format json` lost 17-49 % at boost 0 and at auditd's 4 (10 of 10 runs), nothing at 10
     * (9 of 9; BENCHMARKS.md, "Priority boost").
     */
    static final int DEFAULT_PRIORITY_BOOST = 10;

    @Option(names = "--no-warm-up",
            description = "Skip the ~0.4 s warm-up of the decoder before the socket opens (a burst right after start may then overrun the buffer).")
    boolean noWarmUp;

    @Option(names = "--queue", paramLabel = "N", description = "Events queued for output before counted drops (default: ${DEFAULT-VALUE}).")
    int queueCapacity = 65536;

    @Option(names = "--no-device-names", description = "Do not resolve device names from sysfs.")
    boolean noDeviceNames;

    @Option(names = "--enrich-status", description = "Add the device's current target type and mismatch count (dmsetup status; rate-limited: one query per device per 2 s, bursts of 5).")
    boolean enrichStatus;

    /**
     * Tries the boost on this thread and goes back, so that a missing CAP_SYS_NICE is a warning
     * (the listener still works, at normal priority) rather than a failed start.
     *
     * @return null when the boost is possible (or 0), else why not
     */
    private NetlinkException tryPriorityBoost() {
        if (priorityBoost == 0) {
            return null;
        }
        try {
            ThreadPriority p = ThreadPriority.system();
            int before = p.nice();
            p.setNice(before - priorityBoost);
            p.setNice(before);
            return null;
        } catch (NetlinkException e) {
            return e;
        }
    }

    /** Where the listener comes from; tests replace it to feed recorded datagrams. */
    static ListenerFactory factory = b -> b.build();

    /** Seam for tests. */
    interface ListenerFactory {
        DmAuditListener build(DmAuditListener.Builder builder);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter err = spec.commandLine().getErr();
        NetlinkException boostRefused = tryPriorityBoost();
        DmAuditListener.Builder b = DmAuditListener.builder()
                .priorityBoost(boostRefused == null ? priorityBoost : 0)
                .mode(mode)
                .filter(options.filter())
                .typeMapping(options.typeMapping())
                .enableAudit(enableAudit)
                .receiveBuffer(receiveBuffer)
                .warmUp(!noWarmUp)
                .queueCapacity(queueCapacity)
                .groupTimeout(Duration.ofMillis(options.groupTimeoutMillis))
                .maxOpenEvents(options.maxOpenEvents)
                .resolveDeviceNames(!noDeviceNames)
                .coalesce(coalesce);
        DmAuditListener listener;
        try {
            listener = factory.build(b);
        } catch (NetlinkException e) {
            throw NetlinkFailures.toCli(e);
        }
        if (boostRefused != null) { // said only once the socket is ours: a missing privilege for it comes first
            err.println("dmaudit: warning: cannot raise the listener's priority (" + boostRefused.getMessage()
                    + "); it runs at normal priority (--priority-boost 0 silences this)");
            err.flush();
        }
        OutputStream sink;
        OutputFile file = null;
        if (output != null) {
            try {
                file = OutputFile.open(output);
            } catch (IOException e) {
                listener.close();
                throw new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot open --output " + output + ": " + e.getMessage(), e);
            }
            sink = new BufferedOutputStream(file, 1 << 16);
        } else {
            sink = new FileOutputStream(FileDescriptor.out);
        }
        EventWriter writer = EventWriter.create(options.format, sink);
        DmEnricher enricher = enrichStatus ? DmEnricher.withDefaults(DmTooling.dmsetup(Duration.ofSeconds(10))) : null;
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong written = new AtomicLong();
        AtomicLong writeErrors = new AtomicLong();
        SignalStop signals = SignalStop.install(done::countDown);
        Thread fallback = new Thread(listener::close, "dmaudit-restore");
        Runtime.getRuntime().addShutdownHook(fallback); // restores audit state even on an abrupt exit
        ScheduledExecutorService ticker = null;
        int exit = ExitCodes.OK;
        try {
            warnIfAuditDisabled(listener, err);
            err.println("dmaudit: listening (" + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode)"
                    + (count != null ? ", until " + count + " events" : "")
                    + (timeout != null ? ", for " + timeout.toMillis() + " ms" : "") + "; Ctrl-C to stop");
            err.flush();
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dmaudit-watch");
                t.setDaemon(true);
                return t;
            });
            if (options.stats) {
                long every = Math.max(100, statsInterval.toMillis());
                ticker.scheduleAtFixedRate(() -> printStats(err, listener.metrics(), written.get()), every, every, TimeUnit.MILLISECONDS);
            }
            AuditStateWatch watch = new AuditStateWatch(listener, err);
            ticker.scheduleWithFixedDelay(watch::check, 5, 5, TimeUnit.SECONDS);
            listener.start(ev -> {
                if (done.getCount() == 0 && count != null) {
                    return; // count reached: the rest of the flush is not wanted
                }
                try {
                    DeviceHealth health = null;
                    if (enricher != null && ev.dm() != null && ev.dm().device() != null) {
                        health = enricher.lookup(new DeviceId(ev.dm().device().major(), ev.dm().device().minor())).orElse(null);
                    }
                    writer.write(ev, health);
                    if (!listener.hasPendingEvents()) {
                        // Once per burst, not per event (a write(2) each); at once when idle.
                        writer.flush();
                    }
                } catch (IOException e) {
                    writeErrors.incrementAndGet();
                    done.countDown();
                    throw new UncheckedIOException(e);
                }
                if (count != null && written.incrementAndGet() >= count) {
                    done.countDown();
                } else if (count == null) {
                    written.incrementAndGet();
                }
            });
            if (timeout != null) {
                done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                done.await();
            }
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
            }
            listener.close(); // flushes open events through the callback, restores audit state
            try {
                writer.flush();
                if (file != null) {
                    sink.flush();
                    file.close();
                }
            } catch (IOException e) {
                exit = ExitCodes.OUTPUT_ERROR;
                err.println("dmaudit: cannot write output: " + Sanitize.oneLine(String.valueOf(e.getMessage())));
            }
            if (options.stats) {
                printStats(err, listener.metrics(), written.get());
            }
            signals.uninstall();
            try {
                Runtime.getRuntime().removeShutdownHook(fallback);
            } catch (IllegalStateException shuttingDown) {
                // already exiting: the hook runs, close() is idempotent
            }
        }
        if (writeErrors.get() > 0) {
            err.println("dmaudit: cannot write output" + (output != null ? " to " + output : ""));
            exit = ExitCodes.OUTPUT_ERROR;
        }
        err.flush();
        return exit;
    }

    private static void warnIfAuditDisabled(DmAuditListener listener, PrintWriter err) {
        Boolean enabled;
        try {
            enabled = listener.auditEnabled();
        } catch (NetlinkException e) {
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
        if (priorityBoost < 0 || priorityBoost > 39) {
            throw new ParameterException(spec.commandLine(), "--priority-boost must be 0..39");
        }
        if (coalesce != null && coalesce.isZero()) {
            throw new ParameterException(spec.commandLine(), "--coalesce needs a positive window");
        }
    }

    static void printStats(PrintWriter err, Metrics m, long written) {
        err.printf("dmaudit: stats datagrams=%d records=%d events=%d written=%d dropped_queue=%d enobufs=%d "
                        + "kernel_lost_delta=%d malformed=%d non_kernel=%d coalesced=%d timed_out=%d evicted=%d "
                        + "callback_errors=%d replace_probes=%d%n",
                m.datagrams(), m.records(), m.events(), written, m.droppedByQueue(), m.enobufs(), m.kernelLostDelta(),
                m.malformed(), m.nonKernelSenders(), m.coalesced(), m.timedOutEvents(), m.evictedEvents(),
                m.consumerErrors(), m.replaceProbes());
        err.flush();
    }
}
