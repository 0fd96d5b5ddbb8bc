package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuditRecordParser;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.record.Captures;
import dev.dmaudit.record.NetlinkFrames;
import dev.dmaudit.record.RecordTypes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real captures of Debian's 6.1 kernel running the dm-integrity procedure, decoded from the
 * datagrams as received, through framing, record parsing, grouping and typing.
 */
class KernelCaptureTest {

    record Decoded(List<AuditRecord> records, List<Event> delivered) {
        List<DmEvent> events() {
            return delivered.stream().map(Event::dm).toList();
        }

        AuditEvent.Completion completion(DmEvent dm) {
            return delivered.stream().filter(e -> e.dm() == dm).findFirst().orElseThrow().audit().completion();
        }
    }

    /** Each listener's datagrams through the pipeline as received (DM events only, the default). */
    static Decoded decode(String mode) {
        List<AuditRecord> records = new ArrayList<>();
        CollectingSink events = new CollectingSink();
        EventPipeline pipeline = EventPipeline.builder().maxOpenEvents(1024).sink(events).build();
        AuditRecordParser parser = new AuditRecordParser();
        String listener = mode.equals("multicast") ? "mcast" : "auditd";
        for (Captures.Datagram d : Captures.load(mode)) {
            if (!d.sock().equals(listener)) {
                continue;
            }
            NetlinkFrames.forEach(d.bytes(), 0, d.bytes().length, m -> {
                // AUDIT_REPLACE carries a binary pid (the kernel probing its daemon), not text.
                if (NetlinkFrames.isAuditRecord(m.type()) && m.type() != RecordTypes.REPLACE) {
                    records.add(parser.parse(m));
                }
            });
            pipeline.acceptDatagram(d.bytes(), 0, d.bytes().length, 0); // one instant: no timeouts
        }
        pipeline.flush();
        return new Decoded(records, events.events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"multicast", "auditd"})
    void tenControlAndTwoDataRecords(String mode) {
        Decoded d = decode(mode);
        assertThat(d.records()).filteredOn(r -> r.type() == RecordTypes.DM_CTRL).hasSize(10);
        assertThat(d.records()).filteredOn(r -> r.type() == RecordTypes.DM_EVENT).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"multicast", "auditd"})
    void dataEventsNameDeviceSectorAndOpAndStandAlone(String mode) {
        Decoded decoded = decode(mode);
        List<DmEvent> data = decoded.events().stream().filter(DmEvent::isData).toList();
        assertThat(data).hasSize(2);
        for (DmEvent e : data) {
            DmData r = (DmData) e.first();
            assertThat(r.device()).isEqualTo(new DeviceNumber(254, 0));
            assertThat(r.sector()).isEqualTo(20000);
            assertThat(r.op()).isEqualTo("integrity-checksum");
            assertThat(r.knownOp()).isEqualTo(DmOp.INTEGRITY_CHECKSUM);
            assertThat(r.success()).isFalse();
            assertThat(e.process()).isNull();
            assertThat(decoded.completion(e)).isEqualTo(AuditEvent.Completion.STANDALONE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"multicast", "auditd"})
    void everyControlEventCarriesItsSyscall(String mode) {
        Decoded decoded = decode(mode);
        List<DmEvent> control = decoded.events().stream().filter(e -> !e.isData()).toList();
        assertThat(control).hasSize(9); // 8 ctr/dtr + the failed create holding two records
        for (DmEvent e : control) {
            assertThat(decoded.completion(e)).isEqualTo(AuditEvent.Completion.EOE);
            assertThat(e.syscall()).isNotNull();
            assertThat(e.syscall().syscall()).isEqualTo(16);
            assertThat(e.syscall().proctitle()).startsWith(e.process().comm());
            assertThat(e.process().comm()).isIn("integritysetup", "dmsetup");
            assertThat(e.process().auidSet()).isFalse();
            assertThat(e.device()).isEqualTo(new DeviceNumber(254, 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"multicast", "auditd"})
    void failedConstructorIsOneEventWithBothRecords(String mode) {
        DmEvent failed = decode(mode).events().stream()
                .filter(e -> e.records().size() == 2).findFirst().orElseThrow();
        DmControl ctr = (DmControl) failed.records().get(0);
        DmControl dtr = (DmControl) failed.records().get(1);
        assertThat(ctr.op()).isEqualTo("ctr");
        assertThat(ctr.success()).isFalse();
        assertThat(ctr.errorMsg()).isEqualTo("The device is not initialized");
        assertThat(dtr.op()).isEqualTo("dtr");
        assertThat(dtr.success()).isTrue();
        assertThat(failed.process().comm()).isEqualTo("dmsetup");
        assertThat(failed.syscall().success()).isFalse();
        assertThat(failed.syscall().exit()).isEqualTo(-22);
    }

    @org.junit.jupiter.api.Test
    void daemonCaptureDecodesToTheSameEventsDespiteShortLengths() {
        List<String> mc = decode("multicast").events().stream().map(KernelCaptureTest::key).toList();
        List<String> dd = decode("auditd").events().stream().map(KernelCaptureTest::key).toList();
        assertThat(dd).hasSameSizeAs(mc);
        // Same shape: ops, results, device, comm, sector (serials and times differ between runs).
        assertThat(dd).containsExactlyElementsOf(mc);
    }

    private static String key(DmEvent e) {
        StringBuilder b = new StringBuilder();
        for (DmRecord r : e.records()) {
            b.append(r.module()).append('/').append(r.op()).append('/').append(r.success()).append('/').append(r.device());
            if (r instanceof DmData d) {
                b.append('/').append(d.sector());
            }
            b.append(';');
        }
        return b.append(e.process() == null ? "-" : e.process().comm()).toString();
    }
}
