package dev.dmaudit.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, broker and controller in one node) on 127.0.0.1, run as a child JVM
 * from the test class path (org.apache.kafka:kafka_2.13, test scope): its storage formatted by
 * Kafka's own StorageTool, then {@code kafka.Kafka server.properties}. Sized for a shared 2-core
 * machine: a 256 MiB heap, the C1 compiler only, one network thread, two I/O threads. It can be
 * stopped and started again on the same ports and data (an outage); {@link #close} always ends it
 * within a bounded time, and so does the end of the test JVM ({@link #shared}: a shutdown hook; a
 * killed test JVM: the child's watchdog, {@link BrokerMain}).
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Path properties;
    private Process process;
    private static KafkaBroker shared;

    private KafkaBroker(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.controllerPort = freePort();
        this.properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.network.threads=1",
                "num.io.threads=2",
                "background.threads=2",
                "num.replica.fetchers=1",
                "num.recovery.threads.per.data.dir=1",
                "log.cleaner.threads=1",
                "log.cleaner.dedupe.buffer.size=2097152",
                "") + "\n");
    }

    /**
     * One broker for every Kafka test class of this JVM (a broker start costs ~10 s of CPU here),
     * started on first use, stopped at exit.
     *
     * @return the running broker
     */
    public static synchronized KafkaBroker shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("dmaudit-kafka-");
            shared = start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    shared.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                deleteTree(dir);
            }, "kafka-broker-stop"));
        }
        return shared;
    }

    /** Removes a broker's scratch directory (best effort). */
    public static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: best effort
        }
    }

    /**
     * Formats the storage and starts the broker; returns once it answers.
     *
     * @param dir an empty directory for its configuration, data and log
     * @return the running broker
     */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        KafkaBroker b = new KafkaBroker(dir);
        try {
            b.format();
            b.startAgain();
            return b;
        } catch (IOException | InterruptedException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** @return host:port of the broker's listener */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private void format() throws IOException, InterruptedException {
        String clusterId = Uuid.randomUuid().toString();
        Process p = java("format", "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", properties.toString());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("kafka-storage format timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException("kafka-storage format failed (" + p.exitValue() + "): " + log("format"));
        }
    }

    /** Starts (again) on the same ports and data; returns once a client gets the cluster's nodes. */
    public void startAgain() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        process = java("broker", BrokerMain.class.getName(), properties.toString());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("broker exited with " + process.exitValue() + ": " + log("broker"));
                }
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("broker not answering after " + START_TIMEOUT.toSeconds() + " s: " + log("broker"));
                }
                Thread.sleep(200);
            }
        }
    }

    /** Stops the broker (SIGTERM: a clean shutdown; SIGKILL after the stop timeout). */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    /**
     * @param topic      a topic to create
     * @param partitions its partitions
     */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    private Process java(String logName, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xms32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Path log = dir.resolve(logName + ".log");
        // stdin stays a pipe held open by this JVM: BrokerMain's watchdog ends the broker when it closes.
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private String log(String name) {
        try {
            String s = Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** A fresh name per test, so tests can share one broker. */
    public static String topicName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
