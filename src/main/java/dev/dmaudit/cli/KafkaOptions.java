package dev.dmaudit.cli;

import dev.dmaudit.event.Sink;
import dev.dmaudit.kafka.KafkaSink;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code listen --kafka}: every event also to a Kafka topic (kafka.KafkaSink; docs/fleet-kafka.md). */
final class KafkaOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,…]",
            description = "Also send every event to Kafka, through these brokers (idempotent producer, acks=all; key host/device,"
                    + " value the JSON object with schema and event_id; docs/fleet-kafka.md).")
    String bootstrap;

    @Option(names = "--kafka-topic", paramLabel = "TOPIC", description = "The topic for --kafka (required with it).")
    String topic;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Producer properties for --kafka: TLS, SASL, compression, timeouts. It must be owned by root (or you) and not"
                    + " writable by others, and not readable by others when it holds a secret (password, sasl.jaas.config, keys).")
    Path config;

    @Option(names = "--kafka-spool", paramLabel = "N",
            description = "Events kept in memory while the brokers are unreachable; beyond that (and a full --kafka-spool-dir)"
                    + " events are dropped and counted (default: ${DEFAULT-VALUE}).")
    int memoryEvents = 10_000;

    @Option(names = "--kafka-spool-dir", paramLabel = "DIR",
            description = "Also spool on disk, in this directory (created 0700, files 0600; e.g. /var/lib/dmaudit/kafka-spool): events"
                    + " the memory spool cannot hold, and those unsent at exit, which the next run sends first.")
    Path spoolDir;

    @Option(names = "--kafka-spool-max", paramLabel = "SIZE",
            description = "Most bytes in --kafka-spool-dir (K, M, G suffixes; default: ${DEFAULT-VALUE}).")
    String spoolMax = "256M";

    @Option(names = "--kafka-close-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "At exit, how long to wait for spooled events to reach the brokers (default: 10s).")
    Duration closeTimeout = Duration.ofSeconds(10);

    /** @return the Kafka sink these options describe, or null without --kafka */
    Sink sink() {
        if (bootstrap == null) {
            if (topic != null || config != null || spoolDir != null) {
                throw usage("--kafka-topic, --kafka-config and --kafka-spool-dir need --kafka");
            }
            return null;
        }
        if (topic == null) {
            throw usage("--kafka needs --kafka-topic");
        }
        if (memoryEvents < 1) {
            throw usage("--kafka-spool must be positive");
        }
        KafkaSink.Builder b = KafkaSink.builder(bootstrap, topic)
                .memorySpool(memoryEvents, Math.max(1L << 20, memoryEvents * 4096L))
                .closeTimeout(closeTimeout);
        if (config != null) {
            b.properties(readConfig(config));
        }
        if (spoolDir != null) {
            if (!spoolDir.isAbsolute()) {
                throw usage("--kafka-spool-dir " + spoolDir + ": give an absolute path");
            }
            b.diskSpool(spoolDir, bytes(spoolMax));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage("--kafka: " + e.getMessage());
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot use --kafka-spool-dir " + spoolDir + ": " + IoErrors.reason(e), e);
        }
    }

    /**
     * Reads the properties file after checking who can change and who can read it: settings such as
     * sasl.jaas.config name classes to load, and secrets must not be readable by every user.
     */
    private Properties readConfig(Path file) {
        Properties p = new Properties();
        try {
            String refused = dev.dmaudit.sink.ExecSink.refusal(file);
            if (refused != null) {
                throw usage("--kafka-config " + file + ": refused: " + refused);
            }
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                p.load(r);
            }
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.permissions().contains(PosixFilePermission.OTHERS_READ)) {
                for (String k : p.stringPropertyNames()) {
                    if (KafkaSink.isSecretSetting(k)) {
                        throw usage("--kafka-config " + file + ": refused: it holds " + k + " and others can read it (chmod o-r)");
                    }
                }
            }
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read --kafka-config " + file + ": " + IoErrors.reason(e), e);
        } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
            throw usage("--kafka-config " + file + ": " + e.getMessage());
        }
        return p;
    }

    private long bytes(String s) {
        try {
            return Sizes.parse(s);
        } catch (IllegalArgumentException e) {
            throw usage("--kafka-spool-max: " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
