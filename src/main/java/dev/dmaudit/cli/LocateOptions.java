package dev.dmaudit.cli;

import dev.dmaudit.api.ListenerBuilder;
import dev.dmaudit.event.Sink;
import dev.dmaudit.locate.LocatingSink;
import dev.dmaudit.locate.Locator;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code listen --locate}, {@code decode --locate}: where each failing sector lies (dev.dmaudit.locate). */
final class LocateOptions {
    /** Where locators come from; tests replace it. */
    static volatile java.util.function.Function<Duration, Locator> locators = Locator::create;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--locate",
            description = {"Add to each data event where its sector lies: the file (every path, byte offset),"
                    + " the filesystem metadata (which kind), free space, or outside any filesystem (JSON \"location\","
                    + " text \"\u2192 PATH @ OFFSET\"). Walks the device stack up to the filesystem and runs debugfs/dumpe2fs"
                    + " (ext4) or xfs_io (XFS) read-only, a few runs per filesystem and burst; needs root."
                    + " decode: on THIS host's current devices, so only for a log of this host."})
    boolean locate;

    @Option(names = "--locate-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Kill a locating tool run after this long; its sectors are reported unknown (default: 10s).")
    Duration timeout = Duration.ofSeconds(10);

    private Locator locator() {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--locate-timeout needs a positive duration");
        }
        return locators.apply(timeout);
    }

    /** listen: the builder locates before its sinks. */
    ListenerBuilder applyTo(ListenerBuilder b) {
        return locate ? b.locate(locator()) : b;
    }

    /** decode: each sink wrapped, sharing one locator (the second gets cached answers). */
    List<Sink> wrap(List<Sink> sinks) {
        if (!locate) {
            return sinks;
        }
        Locator l = locator();
        return sinks.stream().<Sink>map(s -> new LocatingSink(l, s, 1024)).toList();
    }
}
