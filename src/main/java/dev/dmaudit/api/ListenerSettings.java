package dev.dmaudit.api;

import dev.dmaudit.event.EventFilter;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.Sink;
import dev.dmaudit.record.TypeMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** A listener's settings, fixed at build time; {@link ListenerBuilder} fills them. */
final class ListenerSettings {
    Mode mode = Mode.MULTICAST;
    EventFilter filter = EventFilter.dmOnly();
    boolean enableAudit;
    /** Listen to kernel uevents too (dm-verity corruption reports), {@link ListenerBuilder#uevents}. */
    boolean uevents;
    /*
     * 128 MiB (the kernel allows twice that): at ~2.3 KiB per queued record (our estimate),
     * ~0.25 s of a ~450k records/s SYSCALL storm, which the warm reader outpaces. With 64 MiB,
     * cold starts and moments of CPU contention overran it in 8 of 11 storms of 3M-9M records
     * (BENCHMARKS.md, "SYSCALL storm"); memory is charged only while records wait.
     */
    int receiveBufferBytes = 128 << 20;
    int datagramBufferBytes = 64 << 10;
    int queueCapacity = 65536;
    Path sysfsRoot = Path.of("/sys");
    TypeMapping typeMapping = TypeMapping.standard();
    LongSupplier clock = System::currentTimeMillis;
    /** The reader's deadlines run on this while events are open ({@link ListenerClock}). */
    LongSupplier monotonicNanos = System::nanoTime;
    boolean warmUp = true;
    int priorityBoost;
    final List<Sink> sinks = new ArrayList<>();
    /** Locates data events before the sinks (ListenerBuilder.locate), or null. */
    dev.dmaudit.locate.Locator locator;
    /**
     * Grouping, coalescing and added stages, validated where the pipeline defines them. The filter
     * and type mapping are set here too, and kept above for the kernel-side socket filter.
     */
    final EventPipeline.Builder pipeline = EventPipeline.builder();

    /**
     * @param terminal where the pipeline's events go
     * @param nameDevices false for a pipeline that must not read sysfs (the warm-up's made-up devices)
     * @return a pipeline with these settings
     */
    EventPipeline pipeline(Sink terminal, boolean nameDevices) {
        return pipeline(terminal, nameDevices, filter);
    }

    /**
     * @param terminal    where the pipeline's events go
     * @param nameDevices as above
     * @param filter      the filter of this pipeline alone (the warm-up's lone events); the settings keep theirs
     * @return a pipeline with these settings but that filter
     */
    EventPipeline pipeline(Sink terminal, boolean nameDevices, EventFilter filter) {
        try {
            return pipeline.filter(filter).nameDevices(nameDevices ? sysfsRoot : null).build(terminal);
        } finally {
            pipeline.filter(this.filter);
        }
    }
}
