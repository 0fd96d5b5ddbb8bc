package dev.dmaudit.cli;

import dev.dmaudit.api.Metrics;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;

/**
 * The outputs {@code listen} can feed besides its main output (stdout or {@code --output}): each is
 * an options mixin of its own that turns its options into a {@link Sink}. A new output is one
 * mixin here and one line in {@link #open}; {@code ListenCommand} does not change.
 */
final class ListenSinks {
    @Mixin
    HookOptions hooks = new HookOptions();
    @Mixin
    JournaldOptions journald = new JournaldOptions();
    @Mixin
    MetricsOptions metrics = new MetricsOptions();
    @Mixin
    SyslogOptions syslog = new SyslogOptions();

    @Mixin
    HistoryOptions history = new HistoryOptions();
    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    /**
     * What the outputs may need from the listen command.
     *
     * @param all     listen's {@code --all} (whether non-DM events are delivered)
     * @param metrics the listener's counters (for outputs that report them); null until the listener is built
     * @param mode    listen's --mode, lower case ({@code multicast} or {@code daemon})
     * @param auditEnabled whether kernel auditing is on (null: unknown, or the listener not built yet)
     */
    record Context(boolean all, Supplier<Metrics> metrics, String mode, Supplier<Boolean> auditEnabled) {
    }

    /**
     * Checks every output's options and builds its sink; called before anything is opened, so a
     * usage error leaves nothing behind.
     *
     * @param context what the outputs may need
     * @return the sinks, in the order their options are declared
     */
    List<Sink> open(Context context) {
        List<Sink> sinks = new ArrayList<>();
        addIfOn(sinks, hooks.sink(context.all()));
        addIfOn(sinks, journald.sink());
        Sink stored = history.open(); // first: the metrics read it
        addIfOn(sinks, metrics.sink(context, history::unacknowledgedFailures));
        addIfOn(sinks, syslog.sink());
        addIfOn(sinks, stored); // its counters; the events reach it through gate()
        addIfOn(sinks, kafka.sink());
        return sinks;
    }

    private static void addIfOn(List<Sink> sinks, Sink s) {
        if (s != null) {
            sinks.add(s);
        }
    }

    /**
     * Puts what must see an event before the main output does in front of it: the history, so
     * that every event the output shows is already committed (kill -9 loses nothing reported).
     *
     * @param output  the main output
     * @param context what the outputs may need
     * @return the sink to deliver to instead of {@code output}
     */
    Sink gate(Sink output, Context context) {
        return history.gate(output, context);
    }

    /**
     * @param m the listener's counters
     * @return the per-sink part of listen's stats line (leading space), or empty
     */
    static String stats(Metrics m) {
        StringBuilder b = new StringBuilder();
        for (SinkCounters c : m.sinks()) {
            b.append(' ').append(c.statsText());
        }
        return b.toString();
    }
}
