package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.testing.Rsyslog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The syslog sink against a real rsyslogd (testing.Rsyslog): what rsyslog parsed — header,
 * structured data through mmpstrucdata, MSG — is what was sent, over udp, tcp and tls, and across
 * a collector restart.
 */
@Timeout(120)
class SyslogSinkRsyslogTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SD = "dmaudit@32473";

    @TempDir
    Path dir;
    private Rsyslog rsyslog;

    @BeforeEach
    void collector() throws IOException {
        Rsyslog.assumeInstalled();
        rsyslog = Rsyslog.start(dir);
    }

    @AfterEach
    void stop() {
        if (rsyslog != null) {
            rsyslog.close();
        }
    }

    /** Data events on devices with hostile names and control events by processes with hostile comm/exe, alternating. */
    private static List<Event> events(int from, int n) {
        List<Event> list = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            list.add(i % 2 == 0
                    ? SyslogTestEvents.data(i, "vault-" + i + SyslogTestEvents.HOSTILE)
                    : SyslogTestEvents.control(i, i % 3 != 0, "c" + SyslogTestEvents.HOSTILE, "/usr/sbin/e" + SyslogTestEvents.HOSTILE));
        }
        return list;
    }

    private SyslogSink.Settings settings(SyslogAddress.Transport t, int port, int buffer) throws IOException {
        SSLContext ctx = t == SyslogAddress.Transport.TLS ? SyslogTls.context(rsyslog.caFile(), null, null) : null;
        return new SyslogSink.Settings(new SyslogAddress(t, "127.0.0.1", port),
                new SyslogFormat(3, "test-host", SD, 4242, t == SyslogAddress.Transport.UDP ? 2048 : 8192),
                buffer, Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(15), ctx,
                t == SyslogAddress.Transport.TLS ? "127.0.0.1" : null);
    }

    private int port(SyslogAddress.Transport t) {
        return switch (t) {
            case UDP -> rsyslog.udp;
            case TCP -> rsyslog.tcp;
            case TLS -> rsyslog.tls;
        };
    }

    /** rsyslog's view of one message equals what the event says, field by field. */
    @SuppressWarnings("unchecked")
    private static void assertParsed(Map<String, Object> got, Event e) {
        String kind = SyslogFormat.kind(e);
        assertThat(got).containsEntry("msgid", kind).containsEntry("app", "dmaudit").containsEntry("procid", "4242")
                .containsEntry("hostname", "test-host").containsEntry("facility", "3")
                .containsEntry("severity", Integer.toString(SyslogFormat.severity(e)))
                .containsEntry("msg", TextEventWriter.format(e.audit(), e.dm()));
        Map<String, Object> sd = (Map<String, Object>) ((Map<String, Object>) got.get("rfc5424-sd")).get(SD);
        assertThat(sd).as("structured data of %s", got).containsEntry("kind", kind)
                .containsEntry("serial", Long.toString(e.audit().serial()))
                .containsEntry("device", "254:0")
                .containsEntry("module", "integrity")
                .containsEntry("op", e.dm().first().op())
                .containsEntry("result", e.dm().first().success() ? "ok" : "failed");
        String hostile = Sanitize.visible(SyslogTestEvents.HOSTILE); // " ] and [ = as they are, the backslash doubled
        if (e.dm().isData()) {
            assertThat(sd).containsEntry("device_name", "vault-" + e.audit().serial() + hostile)
                    .containsEntry("sector", Long.toString(e.audit().serial()));
        } else {
            assertThat(sd).containsEntry("comm", "c" + hostile).containsEntry("exe", "/usr/sbin/e" + hostile)
                    .containsEntry("pid", "293").containsEntry("uid", "0");
        }
    }

    private static List<String> serials(List<Map<String, Object>> messages) {
        List<String> s = new ArrayList<>();
        for (Map<String, Object> m : messages) {
            @SuppressWarnings("unchecked")
            Map<String, Object> sd = (Map<String, Object>) ((Map<String, Object>) m.get("rfc5424-sd")).get(SD);
            s.add((String) sd.get("serial"));
        }
        return s;
    }

    private static List<String> serialsOf(List<Event> events) {
        return events.stream().map(e -> Long.toString(e.audit().serial())).toList();
    }

    @ParameterizedTest
    @EnumSource(SyslogAddress.Transport.class)
    void everyEventArrivesWithItsStructuredDataIntact(SyslogAddress.Transport t) throws IOException {
        List<Event> sent = events(1, 300);
        SyslogSink syslog = new SyslogSink(settings(t, port(t), 10_000));
        QueuedSink sink = new QueuedSink("syslog", syslog, 4096, Duration.ofSeconds(20));
        for (Event e : sent) {
            sink.accept(e);
        }
        sink.close();
        List<Map<String, Object>> got = rsyslog.await(sent.size(), WAIT);
        assertThat(serials(got)).as(rsyslog.log()).isEqualTo(serialsOf(sent));
        for (int i = 0; i < sent.size(); i++) {
            assertParsed(got.get(i), sent.get(i));
        }
        assertThat(got).allSatisfy(m -> assertThat(m).containsEntry("input", t.name().toLowerCase(java.util.Locale.ROOT)));
        assertThat(sink.counters()).isEqualTo(new SinkCounters("syslog", sent.size(), 0, 0));
        assertThat(syslog.connections()).isEqualTo(1);
    }

    /** Sends before, waits until rsyslog has them, stops it, sends whileDown (the caller restarts it). */
    private void sendAcrossAnOutage(QueuedSink sink, List<Event> before, List<Event> whileDown) throws IOException {
        for (Event e : before) {
            sink.accept(e);
        }
        assertThat(rsyslog.await(before.size(), WAIT)).hasSize(before.size());
        rsyslog.stop();
        for (Event e : whileDown) {
            sink.accept(e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SyslogAddress.Transport.class, names = {"TCP", "TLS"})
    void aCollectorRestartInTheMiddleLosesNothingWithinTheBuffer(SyslogAddress.Transport t) throws IOException {
        SyslogSink syslog = new SyslogSink(settings(t, port(t), 1000));
        QueuedSink sink = new QueuedSink("syslog", syslog, 4096, Duration.ofSeconds(20));
        List<Event> before = events(1, 40);
        List<Event> whileDown = events(41, 60);
        List<Event> after = events(101, 40);
        sendAcrossAnOutage(sink, before, whileDown);
        rsyslog.restart();
        for (Event e : after) {
            sink.accept(e);
        }
        sink.close();
        List<Event> all = new ArrayList<>(before);
        all.addAll(whileDown);
        all.addAll(after);
        List<Map<String, Object>> got = rsyslog.await(all.size(), WAIT);
        assertThat(serials(got)).as(rsyslog.log()).isEqualTo(serialsOf(all)); // all of them, in order, once
        for (int i = 0; i < all.size(); i++) {
            assertParsed(got.get(i), all.get(i));
        }
        assertThat(sink.counters()).isEqualTo(new SinkCounters("syslog", all.size(), 0, 0));
        assertThat(syslog.connections()).isEqualTo(2);
    }

    @Test
    void beyondATinyBufferTheDropCountIsExactlyWhatIsMissing() throws IOException {
        SyslogSink syslog = new SyslogSink(settings(SyslogAddress.Transport.TCP, rsyslog.tcp, 7));
        QueuedSink sink = new QueuedSink("syslog", syslog, 4096, Duration.ofSeconds(20));
        // the cap holds at all times: before and after the outage, no more than 7 at once
        List<Event> before = events(1, 7);
        List<Event> whileDown = events(8, 50);
        List<Event> after = events(58, 7);
        sendAcrossAnOutage(sink, before, whileDown);
        // the whole outage's events reach the syslog sink (buffered or dropped) before the collector returns
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (syslog.counters().dropped() + syslog.buffered() < whileDown.size() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        rsyslog.restart();
        assertThat(rsyslog.await(before.size() + 7, WAIT)).hasSize(before.size() + 7); // the buffer, sent on reconnection
        while (syslog.buffered() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // rsyslogd can write them out before the sender is back from write() to empty its buffer
        }
        for (Event e : after) {
            sink.accept(e);
        }
        sink.close();
        List<Event> expected = new ArrayList<>(before);
        expected.addAll(whileDown.subList(0, 7)); // the buffer keeps the oldest
        expected.addAll(after);
        List<Map<String, Object>> got = rsyslog.await(expected.size(), WAIT);
        assertThat(serials(got)).as(rsyslog.log()).isEqualTo(serialsOf(expected));
        long missing = before.size() + whileDown.size() + after.size() - got.size();
        assertThat(sink.counters()).isEqualTo(new SinkCounters("syslog", got.size(), missing, 0));
        assertThat(missing).isEqualTo(43);
    }

    @Test
    void aHungCollectorCostsCountedDropsAndExitStillEnds() throws IOException {
        SyslogSink syslog = new SyslogSink(new SyslogSink.Settings(new SyslogAddress(SyslogAddress.Transport.TCP, "127.0.0.1", rsyslog.tcp),
                new SyslogFormat(3, "test-host", SD, 4242, 8192), 50, Duration.ofMillis(50), Duration.ofMillis(400),
                Duration.ofSeconds(1), null, null));
        QueuedSink sink = new QueuedSink("syslog", syslog, 4096, Duration.ofSeconds(5));
        List<Event> some = events(1, 10);
        sink.accept(some.get(0));
        assertThat(rsyslog.await(1, WAIT)).hasSize(1); // connected
        rsyslog.signal("STOP"); // the connection stays open, nothing is read: the kernel's buffers fill, then write blocks
        int sent = 200_000; // ~65 MB: more than loopback's socket buffers hold
        try {
            for (int i = 1; i < sent; i++) {
                sink.accept(some.get(i % some.size())); // never blocks
            }
            sink.close(); // the sender is stuck in a write: closed after its grace, what is left counted
            SinkCounters c = sink.counters();
            assertThat(c.dropped()).isPositive();
            assertThat(c.delivered() + c.dropped() + c.failed()).isEqualTo(sent); // every event accounted for
        } finally {
            rsyslog.signal("CONT");
        }
    }

    @Test
    void tlsWithAClientCertificate() throws IOException {
        SyslogSink.Settings base = settings(SyslogAddress.Transport.TLS, rsyslog.tlsClientAuth, 100);
        SyslogSink.Settings withCert = new SyslogSink.Settings(base.address(), base.format(), 100, base.retryMin(), base.retryMax(),
                Duration.ofSeconds(10), SyslogTls.context(rsyslog.caFile(), rsyslog.clientCert(), rsyslog.clientKey()), "localhost");
        SyslogSink sink = new SyslogSink(withCert);
        List<Event> sent = events(1, 10);
        for (Event e : sent) {
            sink.accept(e);
        }
        sink.close();
        List<Map<String, Object>> got = rsyslog.await(sent.size(), WAIT);
        assertThat(serials(got)).as(rsyslog.log()).isEqualTo(serialsOf(sent));
        assertThat(got).allSatisfy(m -> assertThat(m).containsEntry("input", "tls-client-auth"));
        assertThat(sink.counters()).isEqualTo(new SinkCounters("syslog", 10, 0, 0));
    }

    @Test
    void aCollectorThatClosesEveryConnectionIsRetriedWithBackOffNotInALoop() throws Exception {
        // the client-auth port without a client certificate: with TLS 1.3 the handshake completes on our side,
        // then rsyslogd checks the certificate and closes
        SyslogSink.Settings base = settings(SyslogAddress.Transport.TLS, rsyslog.tlsClientAuth, 100);
        SyslogSink sink = new SyslogSink(new SyslogSink.Settings(base.address(), base.format(), 100, Duration.ofMillis(50),
                Duration.ofMillis(400), Duration.ofMillis(2000), base.tls(), "localhost"));
        for (Event e : events(1, 5)) {
            sink.accept(e);
        }
        sink.close(); // 2 s of trying: back-off 50, 100, 200, 400, 400… ms allows about eight attempts
        assertThat(rsyslog.messages()).isEmpty();
        // a connection closed at once is a refusal, not a place to write to: nothing counted as delivered
        assertThat(sink.counters()).isEqualTo(new SinkCounters("syslog", 0, 5, 0));
        assertThat(sink.connections()).isZero();
        assertThat(sink.attempts()).as(rsyslog.log()).isBetween(2L, 20L);
    }

    @Test
    void aCollectorWhoseCertificateDoesNotNameItOrIsNotTrustedGetsNothing() throws Exception {
        SyslogSink.Settings base = settings(SyslogAddress.Transport.TLS, rsyslog.tls, 100);
        SSLContext jdkTrust = SyslogTls.context(null, null, null);
        List<SyslogSink.Settings> refused = List.of(
                new SyslogSink.Settings(base.address(), base.format(), 100, base.retryMin(), base.retryMax(),
                        Duration.ofMillis(1500), base.tls(), "collector.example.org"), // the name check is on
                new SyslogSink.Settings(base.address(), base.format(), 100, base.retryMin(), base.retryMax(),
                        Duration.ofMillis(1500), jdkTrust, null)); // the chain is checked without the name check too
        for (SyslogSink.Settings s : refused) {
            SyslogSink sink = new SyslogSink(s);
            for (Event e : events(1, 5)) {
                sink.accept(e);
            }
            sink.close(); // gives up after the grace period: all five counted
            assertThat(sink.connections()).isZero();
            assertThat(sink.counters()).isEqualTo(new SinkCounters("syslog", 0, 5, 0));
        }
        assertThat(rsyslog.messages()).isEmpty();
        // and with the right name, the same collector takes them
        SyslogSink ok = new SyslogSink(new SyslogSink.Settings(base.address(), base.format(), 100, base.retryMin(), base.retryMax(),
                Duration.ofSeconds(10), base.tls(), "localhost"));
        for (Event e : events(1, 5)) {
            ok.accept(e);
        }
        ok.close();
        assertThat(rsyslog.await(5, WAIT)).hasSize(5);
    }

    @Test
    void aUtf8MessageCarriesItsBomAndItsNameArrivesIntact() throws IOException {
        SyslogSink syslog = new SyslogSink(settings(SyslogAddress.Transport.TCP, rsyslog.tcp, 100));
        Event e = SyslogTestEvents.data(5, "données-€");
        syslog.accept(e);
        syslog.close();
        List<Map<String, Object>> got = rsyslog.await(1, WAIT);
        assertThat(got).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> sd = (Map<String, Object>) ((Map<String, Object>) got.get(0).get("rfc5424-sd")).get(SD);
        assertThat(sd).containsEntry("device_name", "données-€");
        // rsyslog keeps RFC 5424's BOM at the start of %msg%: the line itself follows it unchanged
        assertThat(got.get(0)).containsEntry("msg", "\uFEFF" + TextEventWriter.format(e.audit(), e.dm()));
    }

    @Test
    void overUdpARefusalReportedByTheKernelIsCountedAsFailed() throws IOException {
        SyslogSink syslog = new SyslogSink(settings(SyslogAddress.Transport.UDP, rsyslog.udp, 100));
        rsyslog.stop();
        // the first datagram goes to a closed port; the kernel reports the ICMP refusal on the next send
        syslog.accept(SyslogTestEvents.data(1, "a"));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (syslog.counters().delivered() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        syslog.accept(SyslogTestEvents.data(2, "b"));
        while (syslog.counters().failed() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        rsyslog.restart();
        syslog.accept(SyslogTestEvents.data(3, "c"));
        syslog.close();
        List<Map<String, Object>> got = rsyslog.await(2, Duration.ofSeconds(5)); // 2 may or may not come, 3 does
        // 1 is lost and counted; 2 is sent again on a new socket after the back-off, and arrives or not
        // depending on whether rsyslogd has bound its port by then: UDP cannot tell, so it counts as delivered
        assertThat(serials(got)).isIn(List.of("3"), List.of("2", "3"));
        assertThat(syslog.counters()).isEqualTo(new SinkCounters("syslog", 2, 0, 1));
    }

    @Test
    void overUdpALongMessageIsCutToTheDatagramLimitAndCounted() throws IOException {
        SyslogSink syslog = new SyslogSink(settings(SyslogAddress.Transport.UDP, rsyslog.udp, 100));
        String longExe = "/opt/" + "x".repeat(3000);
        Event e = SyslogTestEvents.control(7, true, "dmsetup", longExe);
        syslog.accept(e);
        syslog.close();
        List<Map<String, Object>> got = rsyslog.await(1, WAIT);
        assertThat(got).hasSize(1);
        assertThat(syslog.truncated()).isEqualTo(1);
        assertThat(got.get(0)).containsEntry("msgid", "dm_control");
        @SuppressWarnings("unchecked")
        Map<String, Object> sd = (Map<String, Object>) ((Map<String, Object>) got.get(0).get("rfc5424-sd")).get(SD);
        assertThat(sd).containsEntry("serial", "7").containsEntry("device", "254:0").doesNotContainKey("exe");
        assertThat((String) got.get(0).get("msg")).startsWith("2026-11-28T04:04:54.300Z 254:0 integrity/ctr ok by dmsetup[293] exe=/opt/xxx");
        assertThat(syslog.counters()).isEqualTo(new SinkCounters("syslog", 1, 0, 0));
    }
}
