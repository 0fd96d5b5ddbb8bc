package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.kafka.KafkaBroker;
import dev.dmaudit.kafka.KafkaEvents;
import dev.dmaudit.kafka.KafkaEvents.Received;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** listen --kafka over the replayed kernel capture, into a real broker, read by a real consumer. */
@Tag("kafka")
@Timeout(120)
class ListenKafkaTest {
    @TempDir
    Path dir;

    @Test
    void everyPrintedEventReachesTheTopicOnceAndStatsSayIt() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = KafkaBroker.topicName("listen");
        broker.createTopic(topic, 3);
        Path config = dir.resolve("producer.properties");
        Files.writeString(config, "linger.ms=1\ncompression.type=gzip\n");
        Path out = dir.resolve("events.jsonl");
        ListenCommand.ListenerFactory saved = ListenCommand.factory;
        CliRun r;
        try { // the real kernel capture, replayed
            ListenCommand.factory = b -> b.source(new ListenCommandTest.Replay("multicast")).resolveDeviceNames(false).build();
            r = CliRun.run("listen", "--all", "--format", "json", "--timeout", "2s", "--stats", "--output", out.toString(),
                    "--kafka", broker.bootstrap(), "--kafka-topic", topic, "--kafka-config", config.toString());
        } finally {
            ListenCommand.factory = saved;
        }
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> printed = Files.readAllLines(out);
        assertThat(printed).hasSizeGreaterThan(3);
        Matcher m = Pattern.compile("sink\\.kafka\\.delivered=(\\d+) sink\\.kafka\\.dropped=0 sink\\.kafka\\.failed=0").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(printed.size());

        List<Received> got = KafkaEvents.consume(broker.bootstrap(), topic, printed.size(), Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(got).hasSize(printed.size());
        assertThat(KafkaEvents.idCounts(got)).hasSize(printed.size());
        // Each value is the printed line with schema, event_id and host in front.
        for (Received g : got) {
            String tail = g.value().replaceFirst("^\\{\"schema\":1,\"event_id\":\"[0-9a-z_.-]+\",\"host\":\"[0-9a-zA-Z_.-]+\",", "{");
            assertThat(printed).contains(tail);
        }
    }

    @Test
    void badKafkaOptionsAreOneLineAndTheirExitCode() throws IOException {
        assertUsage(CliRun.run("listen", "--kafka", "127.0.0.1:9092"), "--kafka needs --kafka-topic");
        assertUsage(CliRun.run("listen", "--kafka-topic", "t"), "need --kafka");
        assertUsage(CliRun.run("listen", "--kafka", "no-port", "--kafka-topic", "t"), "'no-port' is not host:port");
        assertUsage(CliRun.run("listen", "--kafka", "h:99999", "--kafka-topic", "t"), "is not host:port");
        assertUsage(CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "bad topic"), "is not a topic name");

        Path acks = dir.resolve("acks.properties");
        Files.writeString(acks, "acks=1\n");
        assertUsage(CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "t", "--kafka-config", acks.toString()),
                "acks cannot be set");
        Path badValue = dir.resolve("bad.properties");
        Files.writeString(badValue, "linger.ms=soon\n");
        assertUsage(CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "t", "--kafka-config", badValue.toString()),
                "linger.ms");

        // A secret others can read is refused, and the secret is not repeated.
        Path secret = dir.resolve("sasl.properties");
        Files.writeString(secret, "security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"u\" password=\"hunter2-secret\";\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        CliRun r = CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "t", "--kafka-config", secret.toString());
        assertUsage(r, "holds sasl.jaas.config and others can read it");
        assertThat(r.err()).doesNotContain("hunter2");
        // A file others can change is refused (it could name classes to load).
        Path writable = dir.resolve("w.properties");
        Files.writeString(writable, "linger.ms=1\n");
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertUsage(CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "t", "--kafka-config", writable.toString()),
                "refused");

        Path open = Files.createDirectory(dir.resolve("open-spool"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        CliRun spool = CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "t", "--kafka-spool-dir", open.toString());
        assertThat(spool.exitCode()).as(spool.err()).isEqualTo(ExitCodes.OUTPUT_ERROR);
        assertThat(spool.err()).contains("cannot use --kafka-spool-dir").contains("writable by group or others");
        assertUsage(CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "t", "--kafka-spool-dir", "relative"), "absolute path");

        CliRun missing = CliRun.run("listen", "--kafka", "h:9092", "--kafka-topic", "t", "--kafka-config", dir.resolve("none").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(missing.err().strip().lines()).hasSize(1);
        assertThat(missing.err()).contains("cannot read --kafka-config");
    }

    private static void assertUsage(CliRun r, String text) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(text);
        assertThat(r.err().lines().filter(l -> l.startsWith("dmaudit:")).count()).as(r.err()).isEqualTo(1);
    }
}
