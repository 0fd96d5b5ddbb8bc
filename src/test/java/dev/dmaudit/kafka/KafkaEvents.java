package dev.dmaudit.kafka;

import dev.dmaudit.api.AuditLogDecoder;
import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.event.EventPipeline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Events for the Kafka tests, made by the real decoder, and a real consumer reading them back. */
public final class KafkaEvents {
    private KafkaEvents() {
    }

    /** A record as the consumer got it. */
    public record Received(int partition, long offset, String key, String id, String kind, String schema, String value, long timestamp,
                    long receivedMillis) {
    }

    /** @return the events of the real kernel capture (6.1, dm-integrity, multicast), every event */
    static List<Event> capture() throws IOException {
        try (InputStream in = KafkaEvents.class.getResourceAsStream("/kernel-6.1-dm-integrity/multicast/records.txt")) {
            return decode(in.readAllBytes(), true);
        }
    }

    /**
     * @param n       how many
     * @param devices spread over this many devices (254:0 …)
     * @return n data-corruption events (DM_EVENT integrity-checksum lines, as the kernel writes
     *     them), decoded by the pipeline; serials 1000…, one millisecond apart
     */
    public static List<Event> corruption(int n, int devices) throws IOException {
        StringBuilder log = new StringBuilder(n * 120);
        long t0 = 1_795_838_689_000L;
        for (int i = 0; i < n; i++) {
            long t = t0 + i;
            log.append("type=DM_EVENT msg=audit(").append(t / 1000).append('.').append(String.format("%03d", t % 1000)).append(':')
                    .append(1000 + i).append("): module=integrity op=integrity-checksum dev=254:").append(i % devices)
                    .append(" sector=").append(20000 + 8L * i).append(" res=0\n");
        }
        List<Event> out = decode(log.toString().getBytes(StandardCharsets.US_ASCII), false);
        if (out.size() != n) {
            throw new IllegalStateException("decoded " + out.size() + " of " + n);
        }
        return out;
    }

    private static List<Event> decode(byte[] log, boolean all) throws IOException {
        CollectingSink sink = new CollectingSink();
        EventPipeline.Builder b = EventPipeline.builder().groupTimeout(Duration.ofSeconds(10));
        if (all) {
            b.filter(EventFilter.allEvents());
        }
        new AuditLogDecoder(b, List.of(sink), 1 << 20).decode(new ByteArrayInputStream(log), (line, why) -> {
            throw new IllegalStateException("line " + line + ": " + why);
        });
        return sink.events;
    }

    /**
     * Reads a topic from the beginning with a real consumer (no group: assigned every partition)
     * until {@code expected} records came and nothing more for {@code quiet}, or the timeout.
     */
    public static List<Received> consume(String bootstrap, String topic, int expected, Duration quiet, Duration timeout) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Received> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + timeout.toNanos();
            long lastNew = System.nanoTime();
            while (System.nanoTime() < end) {
                var batch = c.poll(Duration.ofMillis(200));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    out.add(new Received(r.partition(), r.offset(), new String(r.key(), StandardCharsets.US_ASCII),
                            header(r, "dmaudit.event_id"), header(r, "dmaudit.kind"), header(r, "dmaudit.schema"),
                            new String(r.value(), StandardCharsets.US_ASCII), r.timestamp(), now));
                }
                if (!batch.isEmpty()) {
                    lastNew = System.nanoTime();
                } else if (out.size() >= expected && System.nanoTime() - lastNew > quiet.toNanos()) {
                    break;
                }
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }

    /** @return how often each event id came */
    public static Map<String, Integer> idCounts(List<Received> got) {
        Map<String, Integer> m = new HashMap<>();
        got.forEach(r -> m.merge(r.id(), 1, Integer::sum));
        return m;
    }
}
