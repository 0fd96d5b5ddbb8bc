package dev.dmaudit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.kafka.KafkaEvents.Received;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink against a real broker (KRaft, a child JVM; {@link KafkaBroker}), read back by a
 * real consumer. Run alone: {@code mvn -B test -Dgroups=kafka} (make test-kafka).
 */
@Tag("kafka")
@Timeout(240)
class KafkaSinkBrokerTest {
    private static final String MACHINE = "0123456789abcdef0123456789abcdef";
    private static final String BOOT = "fedcba9876543210fedcba9876543210";

    @TempDir
    static Path tmp;
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    private static KafkaSink.Builder sink(String topic) {
        return KafkaSink.builder(broker.bootstrap(), topic).host(MACHINE, BOOT).closeTimeout(Duration.ofSeconds(30));
    }

    /** The JSON object --format json prints for the event (without its newline). */
    private static String json(Event e) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dev.dmaudit.sink.WriterSink w = dev.dmaudit.sink.WriterSink.of(dev.dmaudit.sink.OutputFormat.JSON, out);
        w.accept(e);
        w.close();
        String s = out.toString(StandardCharsets.US_ASCII);
        return s.substring(0, s.length() - 1);
    }

    @Test
    void everyEventArrivesOnceWithItsKeyKindAndJson() throws Exception {
        String topic = KafkaBroker.topicName("once");
        broker.createTopic(topic, 3);
        List<Event> events = new ArrayList<>(KafkaEvents.capture());
        int fromCapture = events.size();
        events.addAll(KafkaEvents.corruption(2000, 4));
        try (KafkaSink s = sink(topic).build()) {
            for (Event e : events) {
                s.accept(e);
            }
            s.close();
            assertThat(s.counters()).isEqualTo(new SinkCounters("kafka", events.size(), 0, 0));
        }
        List<Received> got = KafkaEvents.consume(broker.bootstrap(), topic, events.size(), Duration.ofSeconds(1), Duration.ofSeconds(60));

        assertThat(got).hasSize(events.size());
        Map<String, Integer> counts = KafkaEvents.idCounts(got);
        assertThat(counts.values()).allMatch(n -> n == 1);
        Map<String, Received> byId = got.stream().collect(Collectors.toMap(Received::id, r -> r));
        Map<String, Integer> nth = new HashMap<>();
        for (Event e : events) {
            long serial = e.audit().serial();
            String idBase = MACHINE + "-" + BOOT + "-" + e.audit().timeMillis() + "-" + serial;
            int n = nth.merge(idBase, 1, Integer::sum);
            String id = n == 1 ? idBase : idBase + "-" + n;
            Received r = byId.get(id);
            assertThat(r).as("event %s", id).isNotNull();
            String kind = e.dm() == null ? "audit" : e.dm().isData() ? "dm_data" : "dm_control";
            assertThat(r.kind()).isEqualTo(kind);
            assertThat(r.schema()).isEqualTo("1");
            assertThat(r.key()).isEqualTo(MACHINE + "/" + (e.dm() == null || e.dm().device() == null ? "-" : e.dm().device()));
            // The value is exactly the --format json object with schema, event_id and host in front.
            assertThat(r.value()).isEqualTo("{\"schema\":1,\"event_id\":\"" + id + "\",\"host\":\"" + MACHINE + "\","
                    + json(e).substring(1));
        }
        // The capture has DM_CTRL, DM_EVENT and non-DM events.
        assertThat(got.stream().map(Received::kind).distinct()).contains("dm_control", "dm_data", "audit");
        assertThat(fromCapture).isGreaterThan(3);
        // One device's events are in one partition, in the order they were accepted.
        Map<String, List<Received>> byKey = got.stream().collect(Collectors.groupingBy(Received::key));
        for (List<Received> perKey : byKey.values()) {
            assertThat(perKey.stream().map(Received::partition).distinct()).hasSize(1);
            List<Long> serials = perKey.stream().sorted((a, b) -> Long.compare(a.offset(), b.offset()))
                    .map(r -> Long.parseLong(r.id().split("-")[3])).toList();
            assertThat(serials).isSorted();
        }
    }

    /**
     * A stream of events with the broker stopped for ~30 s in the middle. Three sinks share it: a
     * spool large enough (every event arrives exactly once), a spool too small (what is missing is
     * exactly the drop count), and a small memory spool with a disk spool closed during the outage
     * (its events wait in 0600 files and a new sink on the directory sends them after the restart).
     */
    @Test
    void brokerOutageLosesNothingWithinTheSpoolAndCountsExactlyWhatIsMissing() throws Exception {
        int n = 3000;
        String big = KafkaBroker.topicName("outage-big");
        String small = KafkaBroker.topicName("outage-small");
        String disk = KafkaBroker.topicName("outage-disk");
        for (String t : List.of(big, small, disk)) {
            broker.createTopic(t, 3);
        }
        List<Event> events = KafkaEvents.corruption(n, 4);
        Path spoolDir = tmp.resolve("spool");
        KafkaSink bigSink = sink(big).memorySpool(10_000, 64 << 20).build();
        KafkaSink smallSink = sink(small).memorySpool(300, 64 << 20).inFlight(100).build();
        KafkaSink diskSink = sink(disk).memorySpool(50, 64 << 20).inFlight(50).diskSpool(spoolDir, 64 << 20)
                .closeTimeout(Duration.ofSeconds(1)).build();
        KafkaSink[] all = {bigSink, smallSink};
        int i = 0;
        for (; i < n / 3; i++) { // broker up
            for (KafkaSink s : all) {
                s.accept(events.get(i));
            }
            diskSink.accept(events.get(i));
            pace(i);
        }
        waitDelivered(bigSink, n / 3);
        waitDelivered(diskSink, n / 3);
        long stoppedAt = System.nanoTime();
        broker.stop();
        for (; i < 2 * n / 3; i++) { // broker down
            for (KafkaSink s : all) {
                s.accept(events.get(i));
            }
            diskSink.accept(events.get(i));
            pace(i);
        }
        assertThat(bigSink.counters().dropped()).isZero();
        assertThat(smallSink.counters().dropped()).isPositive();
        // The disk sink closes while the broker is away: the rest waits on disk, nothing dropped.
        diskSink.close();
        assertThat(diskSink.counters().dropped()).isZero();
        List<Path> files;
        try (Stream<Path> l = Files.list(spoolDir)) {
            files = l.toList();
        }
        assertThat(files).isNotEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spoolDir))).isEqualTo("rwx------");
        for (Path f : files) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        }
        long downFor = Duration.ofSeconds(30).toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000;
        if (downFor > 0) {
            Thread.sleep(downFor);
        }
        broker.startAgain();
        KafkaSink diskAgain = sink(disk).memorySpool(50, 64 << 20).inFlight(50).diskSpool(spoolDir, 64 << 20).build();
        assertThat(diskAgain.spooled()).as("%s", diskSink.counters()).isEqualTo(2 * n / 3 - diskSink.counters().delivered());
        for (; i < n; i++) { // broker back
            for (KafkaSink s : all) {
                s.accept(events.get(i));
            }
            diskAgain.accept(events.get(i));
            pace(i);
        }
        for (KafkaSink s : all) {
            s.close();
        }
        diskAgain.close();

        List<Received> gotBig = KafkaEvents.consume(broker.bootstrap(), big, n, Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(gotBig).hasSize(n);
        assertThat(KafkaEvents.idCounts(gotBig)).hasSize(n).allSatisfy((id, c) -> assertThat(c).isEqualTo(1));
        assertThat(bigSink.counters()).isEqualTo(new SinkCounters("kafka", n, 0, 0));

        SinkCounters sc = smallSink.counters();
        List<Received> gotSmall = KafkaEvents.consume(broker.bootstrap(), small, (int) sc.delivered(), Duration.ofSeconds(1),
                Duration.ofSeconds(60));
        assertThat(KafkaEvents.idCounts(gotSmall)).allSatisfy((id, c) -> assertThat(c).isEqualTo(1));
        assertThat(sc.failed()).isZero();
        assertThat(sc.dropped()).isPositive().isEqualTo(n - gotSmall.size());
        assertThat(sc.delivered()).isEqualTo(gotSmall.size());

        List<Received> gotDisk = KafkaEvents.consume(broker.bootstrap(), disk, n, Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(KafkaEvents.idCounts(gotDisk)).hasSize(n).allSatisfy((id, c) -> assertThat(c).isEqualTo(1));
        assertThat(gotDisk).hasSize(n);
        assertThat(diskSink.counters().delivered() + diskAgain.counters().delivered()).isEqualTo(n);
        try (Stream<Path> l = Files.list(spoolDir)) {
            assertThat(l.toList()).as("spool files left").isEmpty();
        }
    }

    /** ~1000 events/s: the outage falls in the middle of a stream, not between two bursts. */
    private static void pace(int i) throws InterruptedException {
        if (i % 100 == 99) {
            Thread.sleep(100);
        }
    }

    private static void waitDelivered(KafkaSink s, long n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (s.counters().delivered() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(s.counters().delivered()).isEqualTo(n);
    }

    @Test
    void aRecordTheClientRefusesIsCountedFailedAndTheOthersGoOn() throws Exception {
        String topic = KafkaBroker.topicName("refused");
        broker.createTopic(topic, 3);
        List<Event> events = KafkaEvents.capture();
        Properties p = new Properties();
        p.setProperty("max.request.size", "1500"); // the control events (with their SYSCALL, PROCTITLE…) are larger
        p.setProperty("compression.type", "none");
        KafkaSink s = sink(topic).properties(p).build();
        for (Event e : events) {
            s.accept(e);
        }
        s.close();
        List<Received> got = KafkaEvents.consume(broker.bootstrap(), topic, 1, Duration.ofSeconds(1), Duration.ofSeconds(30));
        SinkCounters c = s.counters();
        assertThat(c.failed()).as("%s, %d received", c, got.size()).isPositive();
        assertThat(c.dropped()).isZero();
        assertThat(c.delivered()).isEqualTo(got.size()).isPositive();
        assertThat(c.delivered() + c.failed()).isEqualTo(events.size());
        assertThat(got).allMatch(r -> r.value().length() + r.key().length() < 1500);
    }

    /**
     * close() right after the last accept, before the sending thread first ran (a short run, a busy
     * machine: in the full suite the refused-record case above met it every time): the spool still
     * gets the close timeout to drain. The thread is held back until close() waits for it.
     */
    @Test
    void aSinkClosedBeforeItsThreadRanStillSendsWhatItHolds() throws Exception {
        String topic = KafkaBroker.topicName("early-close");
        broker.createTopic(topic, 3);
        List<Event> events = KafkaEvents.corruption(20, 2);
        CountDownLatch go = new CountDownLatch(1);
        KafkaSink s = sink(topic).senderThreads(r -> {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                r.run();
            }, "dmaudit-kafka");
            t.setDaemon(true);
            return t;
        }).build();
        for (Event e : events) {
            s.accept(e);
        }
        AtomicReference<Exception> closeFailed = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                s.close();
            } catch (Exception e) {
                closeFailed.set(e);
            }
        }, "closer");
        closer.start();
        // close() marks the sink closing first, then waits (timed) for the sending thread.
        while (closer.isAlive() && closer.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
        go.countDown();
        closer.join();
        assertThat(closeFailed.get()).isNull();
        assertThat(s.counters()).isEqualTo(new SinkCounters("kafka", events.size(), 0, 0));
        List<Received> got = KafkaEvents.consume(broker.bootstrap(), topic, events.size(), Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(KafkaEvents.idCounts(got)).hasSize(events.size()).allSatisfy((id, c) -> assertThat(c).isEqualTo(1));
    }

    @Test
    void aBadSettingIsRefusedBeforeAnythingStarts() {
        Properties p = new Properties();
        p.setProperty("acks", "1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sink("t").properties(p).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acks cannot be set");
    }
}
