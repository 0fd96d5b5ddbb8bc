package dev.dmaudit.bench;

import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.kafka.KafkaBroker;
import dev.dmaudit.kafka.KafkaEvents;
import dev.dmaudit.kafka.KafkaSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka sink against a local broker (not a test; tools/bench-kafka runs it). A real KRaft broker
 * (child JVM, {@link KafkaBroker}) and a consumer in this JVM reading the topic as it fills.
 *
 * <ul>
 *   <li>{@code throughput N}: N decoded corruption events accepted as fast as the sink takes them;
 *       events/s from the first accept to the last acknowledgement, and to the consumer's last record.</li>
 *   <li>{@code latency RATE SECONDS}: events accepted at RATE per second; per event, sink accept →
 *       consumer poll returned it (System.nanoTime, same JVM): p50/p90/p99/max.</li>
 *   <li>{@code kernel RATE SECONDS} (root, kernel audit): user messages (type 1130) sent through the
 *       kernel by python3 at RATE per second, a live {@link DmAuditListener} with the Kafka sink; per
 *       event, the kernel's record time (ms) → consumer poll (wall clock ms).</li>
 * </ul>
 */
public final class KafkaBench {
    private KafkaBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "throughput";
        Path dir = Files.createTempDirectory("dmaudit-kafka-bench-");
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            String topic = "bench";
            broker.createTopic(topic, 3);
            switch (mode) {
                case "throughput" -> {
                    int n = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
                    throughput(broker, topic, n);
                    long bytes = logBytes(dir.resolve("data"), topic);
                    System.out.printf("on the broker: %d bytes of log for %d events = %.0f bytes/event (compression.type=lz4, batches of"
                            + " linger.ms=5)%n", bytes, n, bytes / (double) n);
                }
                case "latency" -> latency(broker, topic, arg(args, 1, 1000), arg(args, 2, 20));
                case "kernel" -> kernel(broker, topic, arg(args, 1, 200), arg(args, 2, 20));
                default -> throw new IllegalArgumentException("mode: throughput, latency or kernel");
            }
        } finally {
            KafkaBroker.deleteTree(dir);
        }
    }

    /** @return bytes of the topic's log segments (what the broker stores, batch headers and all) */
    private static long logBytes(Path data, String topic) throws java.io.IOException {
        try (var files = Files.walk(data)) {
            return files.filter(f -> f.getParent().getFileName().toString().startsWith(topic + "-") && f.toString().endsWith(".log"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static int arg(String[] a, int i, int dflt) {
        return a.length > i ? Integer.parseInt(a[i]) : dflt;
    }

    /** Reads the topic from its start in a thread of its own; calls back per record with the poll's time. */
    private static final class Reader extends Thread {
        interface OnRecord {
            void got(ConsumerRecord<byte[], byte[]> r, long nanos, long millis);
        }

        private final AtomicBoolean stop = new AtomicBoolean();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final OnRecord on;
        final AtomicLong count = new AtomicLong();
        volatile long lastNanos;

        Reader(String bootstrap, String topic, OnRecord on) {
            Properties p = new Properties();
            p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10"); // the broker answers a fetch within 10 ms
            this.consumer = new KafkaConsumer<>(p);
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            consumer.poll(Duration.ofMillis(100)); // positions resolved before the clock starts
            this.on = on;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    var batch = consumer.poll(Duration.ofMillis(50));
                    long nanos = System.nanoTime();
                    long millis = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        on.got(r, nanos, millis);
                        count.incrementAndGet();
                        lastNanos = nanos;
                    }
                }
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        void awaitCount(long n, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (count.get() < n && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        }

        void finish() throws InterruptedException {
            stop.set(true);
            join(10_000);
        }
    }

    private static KafkaSink sink(KafkaBroker broker, String topic, int spool) throws Exception {
        return KafkaSink.builder(broker.bootstrap(), topic).memorySpool(spool, 512L << 20).closeTimeout(Duration.ofSeconds(60)).build();
    }

    private static void throughput(KafkaBroker broker, String topic, int n) throws Exception {
        List<Event> events = KafkaEvents.corruption(n, 16);
        Reader reader = new Reader(broker.bootstrap(), topic, (r, nanos, millis) -> { });
        reader.start();
        KafkaSink sink = sink(broker, topic, n);
        long t0 = System.nanoTime();
        for (Event e : events) {
            sink.accept(e);
        }
        long accepted = System.nanoTime();
        while (sink.counters().delivered() < n && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(5)) {
            Thread.sleep(2);
        }
        long acked = System.nanoTime();
        reader.awaitCount(n, Duration.ofMinutes(2));
        long consumed = reader.lastNanos;
        sink.close();
        reader.finish();
        System.out.printf("throughput: %d events (%s); accept %.0f events/s; acknowledged %.0f events/s (%.2f s);"
                        + " consumed %.0f events/s (%.2f s); received %d; %s%n",
                n, "corruption events, 16 devices, 3 partitions", n / secs(accepted - t0), n / secs(acked - t0), secs(acked - t0),
                n / secs(consumed - t0), secs(consumed - t0), reader.count.get(), sink.counters().statsText());
    }

    private static void latency(KafkaBroker broker, String topic, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        int warm = Math.max(1000, rate * 2); // the producer's metadata, connections and the JIT, before the clock
        List<Event> events = KafkaEvents.corruption(warm + n, 16);
        ConcurrentHashMap<Long, Long> acceptedAt = new ConcurrentHashMap<>();
        long[] lat = new long[n];
        AtomicLong got = new AtomicLong();
        Reader reader = new Reader(broker.bootstrap(), topic, (r, nanos, millis) -> {
            Long t = acceptedAt.get(serial(r.value()));
            if (t != null) {
                lat[(int) Math.min(n - 1, got.getAndIncrement())] = nanos - t;
            }
        });
        reader.start();
        KafkaSink sink = sink(broker, topic, 10_000);
        paced(sink, events.subList(0, warm), rate, null);
        reader.awaitCount(warm, Duration.ofMinutes(1));
        paced(sink, events.subList(warm, warm + n), rate, acceptedAt);
        reader.awaitCount(warm + n, Duration.ofMinutes(1));
        sink.close();
        reader.finish();
        report("latency accept->consumer", rate, lat, (int) Math.min(n, got.get()), 1e6, sink);
    }

    /** Accepts the events at the rate, noting each accept's time by serial when asked. */
    private static void paced(KafkaSink sink, List<Event> events, int rate, ConcurrentHashMap<Long, Long> acceptedAt)
            throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (wait > 200_000) {
                    Thread.sleep(0, (int) Math.min(999_999, wait - 100_000));
                } else {
                    Thread.onSpinWait();
                }
            }
            Event e = events.get(i);
            if (acceptedAt != null) {
                acceptedAt.put(e.audit().serial(), System.nanoTime());
            }
            sink.accept(e);
        }
    }

    private static void kernel(KafkaBroker broker, String topic, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        long[] lat = new long[n];
        long[] toSink = new long[n];
        long[] fromSink = new long[n];
        AtomicLong got = new AtomicLong();
        // When the sink got each event (wall clock, as the kernel's record time): splits the total into
        // kernel -> sink accept (kauditd, the socket, the pipeline) and accept -> consumer (Kafka).
        ConcurrentHashMap<Long, Long> acceptedAt = new ConcurrentHashMap<>();
        Reader reader = new Reader(broker.bootstrap(), topic, (r, nanos, millis) -> {
            long kernelMillis = timeMillis(r.value());
            int i = (int) Math.min(n - 1, got.getAndIncrement());
            lat[i] = millis - kernelMillis;
            Long acc = acceptedAt.get(serial(r.value()));
            toSink[i] = acc == null ? 0 : acc - kernelMillis;
            fromSink[i] = acc == null ? 0 : millis - acc;
        });
        reader.start();
        KafkaSink sink = sink(broker, topic, 10_000);
        DmAuditListener listener = DmAuditListener.builder()
                .filter(new EventFilter(true, Set.of(), Set.of(), null, Set.of(1130))).enableAudit(true).sink(new dev.dmaudit.event.Sink() {
                    @Override
                    public void accept(Event e) throws java.io.IOException {
                        acceptedAt.put(e.audit().serial(), System.currentTimeMillis());
                        sink.accept(e);
                    }

                    @Override
                    public void close() throws java.io.IOException {
                        sink.close();
                    }

                    @Override
                    public dev.dmaudit.event.SinkCounters counters() {
                        return sink.counters();
                    }
                }).build();
        listener.start(ev -> { });
        Thread.sleep(3000); // the listener warmed up, the producer connected
        Process p = new ProcessBuilder("python3", "-c", String.join("\n",
                "import socket,struct,sys,time",
                "s=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,9)",
                "s.bind((0,0))",
                "n=int(sys.argv[1]); gap=1.0/int(sys.argv[2]); t0=time.monotonic()",
                "for i in range(n):",
                "    d=t0+i*gap-time.monotonic()",
                "    if d>0: time.sleep(d)",
                "    m=('dmaudit-kafka-bench %d' % i).encode()+b'\\0'",
                "    s.sendto(struct.pack('=IHHII',16+len(m),1130,1,i+1,0)+m,(0,0))"), String.valueOf(n), String.valueOf(rate))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        reader.awaitCount(n, Duration.ofSeconds(30));
        listener.close(); // closes the sink
        reader.finish();
        int m = (int) Math.min(n, got.get());
        report("latency kernel record->consumer", rate, lat, m, 1, sink);
        report("  of which kernel record->sink accept", rate, toSink, m, 1, sink);
        report("  of which sink accept->consumer", rate, fromSink, m, 1, sink);
    }

    private static void report(String what, int rate, long[] lat, int n, double unitPerMs, KafkaSink sink) {
        long[] l = Arrays.copyOf(lat, n);
        Arrays.sort(l);
        System.out.printf("%s at %d events/s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms; %s%n", what, rate, n,
                pct(l, 50) / unitPerMs, pct(l, 90) / unitPerMs, pct(l, 99) / unitPerMs, l.length == 0 ? 0 : l[l.length - 1] / unitPerMs,
                sink.counters().statsText());
    }

    private static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static long serial(byte[] value) {
        return number(value, "\"serial\":");
    }

    private static long timeMillis(byte[] value) {
        return number(value, "\"time_ms\":");
    }

    private static long number(byte[] value, String field) {
        String s = new String(value, StandardCharsets.US_ASCII);
        int i = s.indexOf(field) + field.length();
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
            j++;
        }
        return Long.parseLong(s.substring(i, j));
    }
}
