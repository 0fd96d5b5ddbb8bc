package dev.dmaudit.kafka;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.sink.DiskSpool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends every delivered event to a Kafka topic, for fleets that move host events through Kafka.
 *
 * <p><b>Records.</b> Key: {@code MACHINE_ID/MAJ:MIN} (host and device, {@code -} for an event
 * without device), so one device's events keep their order in one partition. Value: the event's
 * {@code --format json} object with {@code schema} (1), {@code event_id} and {@code host} first.
 * Headers: {@code dmaudit.kind} ({@code dm_data}, {@code dm_control}, {@code audit}),
 * {@code dmaudit.event_id}, {@code dmaudit.schema}.
 *
 * <p><b>Event id.</b> {@code MACHINE-BOOT-TIMEMS-SERIAL[-N]}: the host's machine id and boot id
 * (32 hex digits each), the event's time in epoch milliseconds and the kernel's audit serial, with
 * {@code -N} for the N-th event of one serial (N ≥ 2). It is the same however often the record is
 * sent: consumers de-duplicate on it.
 *
 * <p><b>Delivery.</b> An idempotent producer with {@code acks=all}: the broker writes each record
 * once per producer session and in order, whatever the retries. Across sessions (a restart with a
 * disk spool, a record unacknowledged at close) a record may come twice; the event id tells.
 *
 * <p><b>Outages.</b> {@link #accept} never blocks: it encodes the event and puts it in a bounded
 * spool (memory, and optionally a directory); a thread of the sink's own hands the spool to the
 * producer in order, at most {@link Builder#inFlight} unacknowledged at a time, and waits while
 * the broker is away (the producer retries without a deadline: the spool is the bound). What fits
 * in no spool is dropped and counted ({@link #counters}, {@code --stats}), with a warning at the
 * first drop and every power of two. At close, the sink waits for the spool to drain for the
 * close timeout; what is left is kept on disk for the next run, or counted dropped.
 *
 * <p>Needs {@code org.apache.kafka:kafka-clients} and {@code com.fasterxml.jackson.core:jackson-core}
 * on the class or module path (optional dependencies of dmaudit).
 */
public final class KafkaSink implements Sink {
    private static final System.Logger LOG = System.getLogger(KafkaSink.class.getName());
    /** Settings the sink's promises rest on: a properties file may not change them. */
    static final Set<String> FIXED = Set.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    /** How long the sending thread waits before trying a broker that refused or timed out again. */
    private static final long RETRY_MILLIS = 1000;
    /** A full in-flight window this long means the brokers are away (said once per outage). */
    private static final long STALL_NANOS = 5_000_000_000L;

    private final String topic;
    private final Properties config;
    private final EventEncoder encoder;
    private final Spool spool;
    private final int inFlight;
    private final Duration closeTimeout;
    private final ProducerFactory factory;
    private final ThreadFactory senderThreads;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Sent and not yet acknowledged, by send order (guarded by itself). */
    private final LinkedHashMap<Long, Spooled> unacked = new LinkedHashMap<>();
    private long sendSeq;
    private volatile boolean closing;
    /** Set while the producer is force-closed: the callbacks' errors then are not failures. */
    private volatile boolean abandoning;
    private volatile boolean unreachable;
    private volatile Thread sender;
    private volatile Producer<byte[], byte[]> producer;
    /** The sending thread is inside producer.send (only it reads and writes these two). */
    private boolean inSend;
    private Exception syncFailure;
    private boolean closed;

    /** Makes the producer; tests pass their own to reach error paths a broker cannot produce. */
    interface ProducerFactory {
        Producer<byte[], byte[]> create(Properties config);
    }

    private KafkaSink(Builder b, Properties config, Spool spool, ProducerFactory factory, ThreadFactory senderThreads) {
        this.topic = b.topic;
        this.config = config;
        this.encoder = new EventEncoder(b.host != null ? b.host : HostIdentity.ofThisHost());
        this.spool = spool;
        this.inFlight = b.inFlight;
        this.closeTimeout = b.closeTimeout;
        this.factory = factory;
        this.senderThreads = senderThreads;
    }

    /**
     * @param bootstrap the brokers, {@code host:port[,host:port…]}
     * @param topic     the topic events go to
     * @return a builder with the defaults: 10,000 events / 16 MiB in memory, no disk spool,
     *     1,000 in flight, 10 s to drain at close
     */
    public static Builder builder(String bootstrap, String topic) {
        return new Builder(bootstrap, topic);
    }

    /** Settings of a {@link KafkaSink}. */
    public static final class Builder {
        private final String bootstrap;
        private final String topic;
        private Properties properties = new Properties();
        private int memoryEvents = 10_000;
        private long memoryBytes = 16L << 20;
        private Path diskDir;
        private long diskBytes;
        private int inFlight = 1000;
        private Duration closeTimeout = Duration.ofSeconds(10);
        private HostIdentity host;
        private ProducerFactory factory = KafkaProducer::new;
        private ThreadFactory senderThreads = r -> {
            Thread t = new Thread(r, "dmaudit-kafka");
            t.setDaemon(true); // a broker that hangs never keeps the JVM alive
            return t;
        };

        private Builder(String bootstrap, String topic) {
            this.bootstrap = Objects.requireNonNull(bootstrap);
            this.topic = Objects.requireNonNull(topic);
        }

        /**
         * Client settings (TLS, SASL, compression, timeouts), as in a producer properties file. The
         * sink's own (acks, idempotence, serializers, bootstrap, transactions) cannot be changed.
         *
         * @param p the properties (copied)
         * @return this
         */
        public Builder properties(Properties p) {
            this.properties = (Properties) p.clone();
            return this;
        }

        /**
         * @param events most events waiting in memory (at least 1)
         * @param bytes  most bytes waiting in memory
         * @return this
         */
        public Builder memorySpool(int events, long bytes) {
            this.memoryEvents = events;
            this.memoryBytes = bytes;
            return this;
        }

        /**
         * Keeps events the memory spool cannot hold, and those left at close, in a directory (created
         * 0700; files 0600; it must be ours and not writable by others). A later sink on the same
         * directory sends them first.
         *
         * @param dir      the directory, such as {@code /var/lib/dmaudit/kafka-spool}
         * @param maxBytes most bytes on disk
         * @return this
         */
        public Builder diskSpool(Path dir, long maxBytes) {
            this.diskDir = dir;
            this.diskBytes = maxBytes;
            return this;
        }

        /**
         * @param n records handed to the producer and not yet acknowledged, at most (at least 1)
         * @return this
         */
        public Builder inFlight(int n) {
            this.inFlight = n;
            return this;
        }

        /**
         * @param d how long {@link KafkaSink#close} waits for the spool to reach the broker
         * @return this
         */
        public Builder closeTimeout(Duration d) {
            this.closeTimeout = d;
            return this;
        }

        /** For tests: a fixed host identity. */
        Builder host(String machineId, String bootId) {
            this.host = new HostIdentity(machineId, bootId);
            return this;
        }

        /** For tests: a producer of their own. */
        Builder producerFactory(ProducerFactory f) {
            this.factory = f;
            return this;
        }

        /** For tests: makes the sending thread (one that starts late, as on a busy machine). */
        Builder senderThreads(ThreadFactory f) {
            this.senderThreads = f;
            return this;
        }

        /**
         * Checks the settings (without resolving names) and opens the disk spool, then starts the
         * sink's sending thread, which connects to the brokers.
         *
         * @return the sink
         * @throws IllegalArgumentException a bad bootstrap list, topic, setting or size
         * @throws IOException              the disk spool cannot be opened
         */
        public KafkaSink build() throws IOException {
            if (memoryEvents < 1 || memoryBytes < 1 || inFlight < 1 || closeTimeout.isNegative()
                    || (diskDir != null && diskBytes < 1)) {
                throw new IllegalArgumentException("spool sizes and in-flight must be positive");
            }
            checkTopic(topic);
            Properties c = producerConfig(bootstrap, properties);
            DiskSpool<Spooled> disk = diskDir == null ? null : new DiskSpool<>("kafka", diskDir, diskBytes, Spooled.CODEC);
            KafkaSink sink = new KafkaSink(this, c, new Spool(memoryEvents, memoryBytes, disk), factory, senderThreads);
            sink.startSending();
            return sink;
        }
    }

    /**
     * The producer's settings: the file's, then the sink's defaults where it says nothing, then
     * the fixed ones; validated by the client's own parser (no network).
     */
    static Properties producerConfig(String bootstrap, Properties user) {
        for (String k : user.stringPropertyNames()) {
            if (FIXED.contains(k)) {
                throw new IllegalArgumentException(k + " cannot be set: the sink needs its own value (acks=all, idempotence,"
                        + " byte-array serializers, --kafka for the brokers, no transactions)");
            }
        }
        checkBootstrap(bootstrap);
        Properties c = new Properties();
        c.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        c.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The spool is the bound on how long an event waits, not the producer: no delivery deadline,
        // and the producer never blocks the sending thread for long (metadata or a full buffer).
        c.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
        c.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        c.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(16L << 20));
        c.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "dmaudit");
        c.putAll(user);
        c.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        c.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        c.setProperty(ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE));
        c.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try {
            new ProducerConfig(c); // types, ranges, idempotence's own conditions (max.in.flight ≤ 5, …)
        } catch (ConfigException e) {
            throw new IllegalArgumentException(Secrets.redact(e.getMessage(), user), e);
        }
        return c;
    }

    /** host:port[,host:port…]: a name or address (IPv6 in brackets) and a port 1–65535. */
    static void checkBootstrap(String bootstrap) {
        if (bootstrap.isBlank()) {
            throw new IllegalArgumentException("no broker given (host:port[,host:port…])");
        }
        for (String hp : bootstrap.split(",", -1)) {
            String s = hp.trim();
            int colon = s.lastIndexOf(':');
            String host = colon < 0 ? "" : s.substring(0, colon);
            String port = colon < 0 ? "" : s.substring(colon + 1);
            boolean hostOk = host.matches("[A-Za-z0-9._-]+") || host.matches("\\[[0-9A-Fa-f:.]+\\]");
            boolean portOk = port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
            if (!hostOk || !portOk) {
                throw new IllegalArgumentException("'" + s + "' is not host:port (a name or address, a port 1-65535)");
            }
        }
    }

    /** Kafka's own rule: 1–249 of [a-zA-Z0-9._-], not . or .. */
    static void checkTopic(String topic) {
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("'" + topic + "' is not a topic name (1-249 of a-z A-Z 0-9 . _ -)");
        }
    }

    /**
     * @param key a client setting's name
     * @return true when its value is a secret (passwords, keys, {@code sasl.jaas.config}, tokens):
     *     never printed by the sink, and a file holding one should not be readable by others
     */
    public static boolean isSecretSetting(String key) {
        return Secrets.isSecret(key);
    }

    /** Encodes and spools the event; never waits for the broker. */
    @Override
    public void accept(Event event) throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (!spool.offer(encoder.encode(event))) {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.log(System.Logger.Level.WARNING, "kafka: spool full (" + spool.size() + " events waiting for the broker); "
                        + n + " dropped so far (counted in --stats as sink.kafka.dropped)");
            }
        }
    }

    /**
     * Starts the sending thread, which connects at once: the first event then finds the producer
     * ready and the topic's metadata known (at boot they take a second or more), and a broker
     * that cannot be reached is reported at start, not at the first event.
     */
    private void startSending() {
        sender = senderThreads.newThread(this::send);
        sender.start();
    }

    /** The sending thread: hands the spool to the producer in order, a bounded number in flight. */
    private void send() {
        try {
            // Not `closing`: close() may come before this thread first runs (a sink fed and closed at
            // once, a busy machine), and it gives the spool its timeout to drain all the same.
            while (producer == null) {
                if (abandoning) {
                    return;
                }
                startProducer();
            }
            try {
                producer.partitionsFor(topic); // metadata before the first event; waits max.block.ms at most
            } catch (KafkaException e) {
                brokerAway(e);
            }
            while (true) {
                Spooled next = spool.peek(closing ? 0 : 500);
                if (next == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                waitForRoom();
                if (abandoning) {
                    return;
                }
                long seq;
                synchronized (unacked) {
                    seq = ++sendSeq;
                    unacked.put(seq, next);
                }
                Exception refused = null;
                syncFailure = null;
                inSend = true;
                try {
                    producer.send(record(next), (meta, ex) -> acknowledged(seq, ex));
                } catch (KafkaException | IllegalStateException e) {
                    refused = e;
                } finally {
                    inSend = false;
                }
                if (refused == null) {
                    refused = syncFailure; // the producer reports most refusals through the callback, at once
                }
                if (refused == null) {
                    spool.removeHead();
                    continue;
                }
                synchronized (unacked) {
                    unacked.remove(seq);
                    unacked.notifyAll();
                }
                if (abandoning || refused instanceof IllegalStateException
                        || refused instanceof org.apache.kafka.common.errors.InterruptException) {
                    return; // closed under us at exit: the record stays first in the spool
                }
                if (refused instanceof RetriableException) {
                    // No metadata within max.block.ms (brokers away) or a full buffer: the record stays
                    // first in the spool and is tried again, so the order holds.
                    // Closing too: close() gives the spool its timeout to drain (a topic created a
                    // moment ago may have no metadata yet), then ends this thread (abandoning).
                    brokerAway(refused);
                    Thread.sleep(RETRY_MILLIS);
                    continue;
                }
                // This record can never be sent (larger than max.request.size, …): count it, go on.
                spool.removeHead();
                failure(refused);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A bug or a client failure we did not foresee: say it; the spool fills and drops are counted.
            LOG.log(System.Logger.Level.WARNING, "kafka: the sending thread stopped: " + Secrets.redact(e.toString(), config)
                    + "; events wait in the spool until it is full, then are dropped and counted");
        }
    }

    /** Waits while the producer holds {@link #inFlight} unacknowledged records; says so once when that lasts. */
    private void waitForRoom() throws InterruptedException {
        long since = System.nanoTime();
        synchronized (unacked) {
            while (unacked.size() >= inFlight && !abandoning) {
                unacked.wait(500);
                if (!unreachable && System.nanoTime() - since > STALL_NANOS) {
                    brokerAway(new org.apache.kafka.common.errors.TimeoutException("no acknowledgement for "
                            + STALL_NANOS / 1_000_000_000 + " s"));
                }
            }
        }
    }

    private void startProducer() throws InterruptedException {
        try {
            producer = factory.create(config);
        } catch (KafkaException e) {
            // Unresolvable brokers at boot (DNS not up yet): events keep spooling; try again.
            brokerAway(e);
            Thread.sleep(RETRY_MILLIS);
        }
    }

    private ProducerRecord<byte[], byte[]> record(Spooled s) {
        RecordHeaders h = new RecordHeaders();
        h.add(new RecordHeader("dmaudit.kind", s.kind().getBytes(StandardCharsets.US_ASCII)));
        h.add(new RecordHeader("dmaudit.event_id", s.id().getBytes(StandardCharsets.US_ASCII)));
        h.add(new RecordHeader("dmaudit.schema", Integer.toString(EventEncoder.SCHEMA_VERSION).getBytes(StandardCharsets.US_ASCII)));
        return new ProducerRecord<>(topic, null, s.key(), s.value(), h);
    }

    /** The producer's callback (its I/O thread). */
    private void acknowledged(long seq, Exception ex) {
        if (ex != null && inSend && Thread.currentThread() == sender) {
            syncFailure = ex; // refused inside send(): never queued; the sending thread decides
            return;
        }
        if (ex != null && abandoning) {
            return; // force-closed at exit: the record stays in unacked and is kept or counted there
        }
        synchronized (unacked) {
            unacked.remove(seq);
            unacked.notifyAll();
        }
        if (ex == null) {
            delivered.incrementAndGet();
            if (unreachable) {
                unreachable = false;
                LOG.log(System.Logger.Level.INFO, "kafka: sending to topic " + topic + " again (" + spool.size() + " events still spooled)");
            }
        } else {
            failure(ex);
        }
    }

    private void brokerAway(Exception e) {
        if (!unreachable) {
            unreachable = true;
            LOG.log(System.Logger.Level.WARNING, "kafka: cannot send to topic " + topic + " (brokers unreachable, or no such topic: "
                    + Secrets.redact(why(e), config) + "); events wait in the spool");
        }
    }

    /** The message and its causes' ("Failed to construct kafka producer" alone says nothing). */
    private static String why(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(": ").append(c.getMessage());
        }
        return b.toString();
    }

    private void failure(Exception e) {
        long n = failed.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            LOG.log(System.Logger.Level.WARNING, "kafka: an event was refused (" + e.getClass().getSimpleName() + ": "
                    + Secrets.redact(why(e), config) + "); " + n + " so far (sink.kafka.failed)"
                    + (e instanceof RetriableException ? "" : ", not retried"));
        }
    }

    /** The sending thread sends continuously; the producer batches by linger.ms. */
    @Override
    public void endOfBurst() {
    }

    /**
     * Waits up to the close timeout for every spooled event to be acknowledged, then closes the
     * producer. What is left (the broker away) goes to the disk spool for the next run or, without
     * one, is counted dropped with one warning.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        spool.wake();
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        try {
            if (sender != null) {
                sender.join(Math.max(1, closeTimeout.toMillis()));
            }
            synchronized (unacked) {
                long left;
                while (!unacked.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                    unacked.wait(Math.max(1, left / 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abandoning = true;
        synchronized (unacked) {
            unacked.notifyAll();
        }
        spool.wake();
        Producer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ZERO); // ends a send() waiting for metadata; the unacknowledged are kept or counted below
        }
        if (sender != null) {
            try {
                sender.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null && producer != p) {
            producer.close(Duration.ZERO);
        }
        List<Spooled> left;
        synchronized (unacked) {
            left = new ArrayList<>(unacked.values());
            unacked.clear();
        }
        long lost = spool.saveForNextRun(left);
        if (lost > 0) {
            dropped.addAndGet(lost);
            LOG.log(System.Logger.Level.WARNING, "kafka: " + lost + " events not acknowledged within " + closeTimeout.toMillis()
                    + " ms at exit and dropped (counted in sink.kafka.dropped; a disk spool keeps them: --kafka-spool-dir)");
        }
    }

    /** @return delivered: acknowledged by the brokers; dropped: spool full or left at exit; failed: refused */
    @Override
    public SinkCounters counters() {
        return new SinkCounters("kafka", delivered.get(), dropped.get(), failed.get());
    }

    /** @return events waiting for the broker now (memory and disk) */
    public long spooled() {
        return spool.size();
    }

    /** For tests: the record the sink would send for an event. */
    Map.Entry<String, byte[]> encodeForTest(Event e) throws IOException {
        Spooled s = encoder.encode(e);
        return Map.entry(s.id(), s.value());
    }
}
