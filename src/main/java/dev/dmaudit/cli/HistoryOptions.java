package dev.dmaudit.cli;

import dev.dmaudit.sink.LocationFormat;
import dev.dmaudit.event.DeviceNameResolver;
import dev.dmaudit.event.Sink;
import dev.dmaudit.history.HistorySink;
import dev.dmaudit.history.HistoryReader;
import dev.dmaudit.history.HistoryStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code listen --history}: every DM event also goes into the device health history
 * (dev.dmaudit.history), which {@code report}, {@code check} and {@code ack} read.
 *
 * <p>When it is on: with {@code --history PATH}; without it, when {@code listen} runs as a
 * systemd service (systemd set {@code INVOCATION_ID} and is our parent, pid 1), at
 * {@link HistoryStore#DEFAULT_PATH}; never with {@code --no-history}. An interactive or test run
 * never writes {@code /var/lib/dmaudit} unasked.
 *
 * <p>The history gates the main output: an event is printed only once it is committed, so what
 * was reported survives a {@code kill -9} (README, "History").
 */
final class HistoryOptions {
    private static final System.Logger LOG = System.getLogger(HistoryOptions.class.getName());

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--history", paramLabel = "PATH",
            description = "Also keep every DM event in this history database (SQLite; created 0600 in a 0700 directory)"
                    + " for dmaudit report/check/ack. Default: " + "/var/lib/dmaudit/history.db when run as a systemd service, else off.")
    Path path;

    @Option(names = "--no-history", description = "Keep no history, even as a service.")
    boolean off;

    @Option(names = "--history-keep", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Prune stored events older than this (per-device and per-sector counts are kept; default: 180d).")
    Duration keep = Duration.ofDays(180);

    @Option(names = "--history-max-size", paramLabel = "MIB",
            description = "Prune the oldest stored events to keep the database below this many MiB (counts are kept; default: ${DEFAULT-VALUE}).")
    long maxMib = 1024;

    private HistoryStore store;
    private HistorySink sink;
    private boolean enabled;

    /** @return whether systemd started us as a service: it sets INVOCATION_ID and is our parent */
    static boolean runningAsService() {
        return System.getenv("INVOCATION_ID") != null
                && ProcessHandle.current().parent().map(p -> p.pid() == 1).orElse(false);
    }

    /**
     * Checks the options and opens the store. A store that cannot be opened is one warning line:
     * listen goes on without it and counts every DM event as {@code sink.history.failed}.
     *
     * @return the sink reporting the history's counters, or null when the history is off
     */
    Sink open() {
        if (off && path != null) {
            throw new ParameterException(spec.commandLine(), "--history and --no-history exclude each other");
        }
        if (keep.isZero() || maxMib < 1) {
            throw new ParameterException(spec.commandLine(), "--history-keep and --history-max-size must be positive");
        }
        enabled = !off && (path != null || runningAsService());
        if (!enabled) {
            return null;
        }
        Path p = path != null ? path : HistoryStore.DEFAULT_PATH;
        try {
            store = HistoryStore.openForWriting(p);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; listening without it (DM events counted as sink.history.failed)");
        }
        return new Sink() {
            @Override
            public void accept(dev.dmaudit.event.Event event) {
                // the events reach the history through gate()
            }

            @Override
            public dev.dmaudit.event.SinkCounters counters() {
                return sink == null ? null : sink.historyCounters();
            }
        };
    }

    /**
     * @param output  the main output
     * @param context what listen offers its outputs
     * @return the output behind the history (it sees an event once it is committed), or the output itself when off
     */
    Sink gate(Sink output, ListenSinks.Context context) {
        if (!enabled) {
            return output;
        }
        DeviceNameResolver sysfs = DeviceNameResolver.system();
        sink = HistorySink.builder(store)
                .gating(output)
                .retention(new HistorySink.Retention(keep, maxMib << 20))
                .metrics(context.metrics())
                .sysfs(sysfs::lookup)
                .location(e -> e.location() == null ? null : LocationFormat.jsonText(e.location()))
                .damaged(e -> e.location() == null ? null : LocationFormat.damaged(e.location()))
                .mode("listen")
                .build();
        return sink;
    }

    /**
     * For the metrics endpoint, at scrape time: a read connection of its own for each call, so a
     * scrape never waits for the writer (WAL) and the writer never for a scrape.
     *
     * @return unacknowledged data failures in the history, or null when the history is off or unreadable
     */
    Long unacknowledgedFailures() {
        if (!enabled || store == null) {
            return null;
        }
        try (HistoryStore reading = HistoryStore.openForReading(path != null ? path : HistoryStore.DEFAULT_PATH)) {
            long n = 0;
            for (HistoryReader.Device d : new HistoryReader(reading).devices(null, null, 0)) {
                n += d.unacknowledged();
            }
            return n;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "history unreadable for the metrics: " + e.getMessage());
            return null;
        }
    }
}
