package dev.dmaudit.cli;

import dev.dmaudit.api.Metrics;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.sink.ExecSink;
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
    KafkaOptions kafka = new KafkaOptions();

    /**
     * What the outputs may need from the listen command.
     *
     * @param all     listen's {@code --all} (whether non-DM events are delivered)
     * @param metrics the listener's counters, valid once it is built (for outputs that report them)
     */
    record Context(boolean all, Supplier<Metrics> metrics) {
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
        ExecSink exec = hooks.sink(context.all());
        if (exec != null) {
            sinks.add(exec);
        }
        java.util.Optional.ofNullable(kafka.sink()).ifPresent(sinks::add);
        return sinks;
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
