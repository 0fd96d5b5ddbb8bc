package dev.dmaudit.api;

import dev.dmaudit.event.EventFilter;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.EventStage;
import dev.dmaudit.event.Sink;
import dev.dmaudit.record.TypeMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** A listener's settings, fixed at build time; {@link ListenerBuilder} fills them. */
final class ListenerSettings {
    Mode mode = Mode.MULTICAST;
    EventFilter filter = EventFilter.dmOnly();
    boolean enableAudit;
    /*
     * 128 MiB (the kernel allows twice that): at ~2.3 KiB per queued record (our estimate),
     * ~0.25 s of a ~450k records/s SYSCALL storm, which the warm reader outpaces. With 64 MiB,
     * cold starts and moments of CPU contention overran it in 8 of 11 storms of 3M-9M records
     * (BENCHMARKS.md, "SYSCALL storm"); memory is charged only while records wait.
     */
    int receiveBufferBytes = 128 << 20;
    int datagramBufferBytes = 64 << 10;
    Duration groupTimeout = Duration.ofMillis(300);
    int maxOpenEvents = 4096;
    int maxRecordsPerEvent = 1024;
    int queueCapacity = 65536;
    Path sysfsRoot = Path.of("/sys");
    TypeMapping typeMapping = TypeMapping.standard();
    Duration coalesceWindow;
    LongSupplier clock = System::currentTimeMillis;
    boolean warmUp = true;
    int priorityBoost;
    final List<EventStage> stages = new ArrayList<>();
    final List<Sink> sinks = new ArrayList<>();

    /**
     * @param terminal where the pipeline's events go
     * @param nameDevices false for a pipeline that must not read sysfs (the warm-up's made-up devices)
     * @return a pipeline with these settings
     */
    EventPipeline pipeline(Sink terminal, boolean nameDevices) {
        EventPipeline.Builder b = EventPipeline.builder()
                .typeMapping(typeMapping)
                .groupTimeout(groupTimeout)
                .maxOpenEvents(maxOpenEvents)
                .maxRecordsPerEvent(maxRecordsPerEvent)
                .nameDevices(nameDevices ? sysfsRoot : null)
                .filter(filter)
                .coalesce(coalesceWindow)
                .sink(terminal);
        stages.forEach(b::stage);
        return b.build();
    }
}
