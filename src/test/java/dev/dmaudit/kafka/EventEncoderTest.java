package dev.dmaudit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Event ids, keys and the secrets rule, on events the real decoder made. */
@Tag("kafka")
class EventEncoderTest {
    private final EventEncoder encoder = new EventEncoder(new HostIdentity("m".repeat(32), "b".repeat(32)));

    @Test
    void theSecondEventOfOneSerialGetsItsOwnId() throws Exception {
        Event first = KafkaEvents.corruption(1, 1).get(0);
        // The same serial again: what the assembler emits for records after a TRUNCATED event.
        AuditEvent a = first.audit();
        Event again = Event.of(new AuditEvent(a.serial(), a.timeMillis(), a.records(), AuditEvent.Completion.TRUNCATED), first.dm());
        Spooled one = encoder.encode(first);
        Spooled two = encoder.encode(again);
        String base = "m".repeat(32) + "-" + "b".repeat(32) + "-" + a.timeMillis() + "-" + a.serial();
        assertThat(one.id()).isEqualTo(base);
        assertThat(two.id()).isEqualTo(base + "-2");
        assertThat(new String(one.key(), StandardCharsets.US_ASCII)).isEqualTo("m".repeat(32) + "/254:0");
        assertThat(one.kind()).isEqualTo("dm_data");
        assertThat(new String(one.value(), StandardCharsets.US_ASCII)).startsWith("{\"schema\":1,\"event_id\":\"" + base + "\",\"host\":\"")
                .endsWith("}");
    }

    @Test
    void eventsWithoutDeviceAreKeyedByHostAlone() throws Exception {
        List<Event> capture = KafkaEvents.capture();
        Event audit = capture.stream().filter(e -> e.dm() == null).findFirst().orElseThrow();
        Spooled s = encoder.encode(audit);
        assertThat(new String(s.key(), StandardCharsets.US_ASCII)).isEqualTo("m".repeat(32) + "/-");
        assertThat(s.kind()).isEqualTo("audit");
    }

    @Test
    void secretValuesNeverReachAMessage() {
        Properties p = new Properties();
        p.setProperty("sasl.jaas.config", "PlainLoginModule required password=\"hunter2\";");
        p.setProperty("ssl.keystore.password", "s3cr3t-pw");
        p.setProperty("linger.ms", "5");
        String msg = Secrets.redact("bad value PlainLoginModule required password=\"hunter2\"; and s3cr3t-pw for linger.ms 5", p);
        assertThat(msg).doesNotContain("hunter2").doesNotContain("s3cr3t-pw").contains("[hidden]").contains("linger.ms 5");
        assertThat(KafkaSink.isSecretSetting("sasl.jaas.config")).isTrue();
        assertThat(KafkaSink.isSecretSetting("ssl.key.password")).isTrue();
        assertThat(KafkaSink.isSecretSetting("ssl.keystore.key")).isTrue();
        assertThat(KafkaSink.isSecretSetting("linger.ms")).isFalse();
    }

    @Test
    void theMachineIdIsReadAsHex() {
        assertThat(HostIdentity.ofThisHost().machineId()).matches("[0-9a-zA-Z_.-]{1,64}");
        assertThat(HostIdentity.clean("host name/ü")).isEqualTo("host_name__");
    }
}
