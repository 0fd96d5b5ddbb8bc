package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.DeviceNumber;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verity uevents through the whole pipeline, with the real uevents and audit records of
 * src/test/resources/kernel-6.12-verity (dm device 254:0 = dm-0 "kveio" over loop0 7:0, data, and
 * loop1 7:1, hash) and a sysfs tree laid out as that kernel's.
 */
class VerityDedupeTest {
    @TempDir
    Path sys;
    private final CollectingSink sink = new CollectingSink();
    private EventPipeline pipeline;
    private List<byte[]> uevents;
    private List<String> records;

    @BeforeEach
    void setUp() throws IOException {
        Path dm0 = sys.resolve("devices/virtual/block/dm-0");
        Files.createDirectories(dm0.resolve("dm"));
        Files.writeString(dm0.resolve("dm/name"), "kveio\n");
        Files.writeString(dm0.resolve("dm/uuid"), "\n");
        Files.writeString(dm0.resolve("diskseq"), "37\n");
        for (String loop : List.of("loop0", "loop1")) {
            Files.createDirectories(sys.resolve("devices/virtual/block").resolve(loop));
            Files.createDirectories(dm0.resolve("slaves"));
            Files.createSymbolicLink(dm0.resolve("slaves").resolve(loop), Path.of("../../" + loop));
        }
        Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(sys.resolve("dev/block/254:0"), Path.of("../../devices/virtual/block/dm-0"));
        Files.createSymbolicLink(sys.resolve("dev/block/7:0"), Path.of("../../devices/virtual/block/loop0"));
        Files.createSymbolicLink(sys.resolve("dev/block/7:1"), Path.of("../../devices/virtual/block/loop1"));
        pipeline = EventPipeline.builder().nameDevices(sys).dedupeUevents(Duration.ofSeconds(1)).sink(sink).build();
        uevents = new ArrayList<>();
        try (BufferedReader r = reader("/kernel-6.12-verity/uevents.hex")) {
            r.lines().filter(l -> !l.isBlank()).forEach(l -> uevents.add(HexFormat.of().parseHex(l.trim())));
        }
        try (BufferedReader r = reader("/kernel-6.12-verity/records.txt")) {
            records = r.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static BufferedReader reader(String resource) {
        return new BufferedReader(new InputStreamReader(VerityDedupeTest.class.getResourceAsStream(resource), StandardCharsets.US_ASCII));
    }

    /** A netlink datagram as the kernel multicasts it: header (full length), then the record text. */
    private static byte[] datagram(String line) {
        int type = Integer.parseInt(line.substring(5, line.indexOf(' ')));
        byte[] text = line.substring(line.indexOf("msg=") + 4).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(16 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16 + text.length).putShort((short) type).putShort((short) 0).putInt(0).putInt(0).put(text);
        return b.array();
    }

    private void uevent(int i, long now) {
        byte[] b = uevents.get(i);
        pipeline.acceptUevent(b, 0, b.length, now);
    }

    private void audit(int i, long now) {
        byte[] d = datagram(records.get(i));
        pipeline.acceptDatagram(d, 0, d.length, now);
    }

    @Test
    void eioModeUeventThenAuditRecordIsReportedOnceAsTheAuditEvent() {
        uevent(3, 1000);
        assertThat(sink.events).isEmpty(); // held: its audit twin may follow
        assertThat(pipeline.nextDeadline()).isEqualTo(2000);
        audit(0, 1004);
        pipeline.tick(3000);
        pipeline.flush();
        assertThat(sink.events).hasSize(1);
        DmEvent dm = sink.events.get(0).dm();
        assertThat(dm.origin()).isEqualTo(DmEvent.Origin.AUDIT);
        assertThat(dm.first().op()).isEqualTo("verify-data");
        assertThat(dm.device()).isEqualTo(new DeviceNumber(7, 0));
        assertThat(pipeline.ueventsDeduplicated()).isEqualTo(1);
        assertThat(pipeline.uevents()).isEqualTo(1);
    }

    @Test
    void auditRecordFirstDropsTheLaterUeventOfItsBlock() {
        audit(0, 1000);
        uevent(3, 1500);
        pipeline.flush();
        assertThat(sink.events).extracting(e -> e.dm().origin()).containsExactly(DmEvent.Origin.AUDIT);
        assertThat(pipeline.ueventsDeduplicated()).isEqualTo(1);
    }

    @Test
    void loggingModeUeventAloneBecomesANamedVerityDataEventWhenItsWindowEnds() {
        uevent(0, 900); // a loop device's change: not dm-verity, ignored
        uevent(3, 1000);
        pipeline.tick(1999);
        assertThat(sink.events).isEmpty();
        pipeline.tick(2000);
        assertThat(sink.events).hasSize(1);
        Event e = sink.events.get(0);
        assertThat(e.dm().origin()).isEqualTo(DmEvent.Origin.UEVENT);
        assertThat(e.dm().device()).isEqualTo(new DeviceNumber(254, 0));
        assertThat(e.dm().deviceName()).isEqualTo("kveio");
        DmData d = (DmData) e.dm().first();
        assertThat(List.of(d.module(), d.op(), Long.toString(d.sector()), Boolean.toString(d.success())))
                .containsExactly("verity", "verify-data", "5", "false");
        assertThat(e.audit().serial()).isZero();
        assertThat(e.audit().records()).isEmpty();
        assertThat(pipeline.ueventsDeduplicated()).isZero();
        assertThat(pipeline.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void auditRecordLaterThanTheWindowIsReportedToo() {
        uevent(3, 1000);
        pipeline.tick(2000);
        audit(0, 2500);
        assertThat(sink.events).extracting(e -> e.dm().origin()).containsExactly(DmEvent.Origin.UEVENT, DmEvent.Origin.AUDIT);
    }

    @Test
    void hashBlockUeventAndVerifyMetadataRecordOfTheDeviceAreOne() {
        // The uevent names hash block 1, the audit record the data block whose read failed.
        uevent(4, 1000);
        audit(1, 1010);
        pipeline.flush();
        assertThat(sink.events).hasSize(1);
        assertThat(sink.events.get(0).dm().first().op()).isEqualTo("verify-metadata");
        assertThat(sink.events.get(0).dm().origin()).isEqualTo(DmEvent.Origin.AUDIT);
    }

    @Test
    void otherBlocksAndTargetLevelRecordsPassUntouched() {
        audit(0, 1000);   // verify-data block 5
        audit(2, 1001);   // max-corrupted-errors, sector=? on the dm device
        pipeline.flush();
        assertThat(sink.events).extracting(e -> e.dm().first().op()).containsExactly("verify-data", "max-corrupted-errors");
    }

    @Test
    void withoutDedupeEveryVerityUeventPassesAtOnce() {
        EventPipeline plain = EventPipeline.builder().sink(sink).build();
        byte[] b = uevents.get(3);
        plain.acceptUevent(b, 0, b.length, 1000);
        byte[] junk = "not a uevent".getBytes(StandardCharsets.US_ASCII);
        plain.acceptUevent(junk, 0, junk.length, 1000);
        assertThat(sink.events).hasSize(1);
        assertThat(plain.ueventsMalformed()).isEqualTo(1);
    }

    @Test
    void heldUeventsAreBounded() {
        for (int i = 0; i < VerityDedupe.MAX_HELD + 5; i++) {
            uevent(3, 1000);
        }
        assertThat(sink.events).hasSize(5); // the oldest went on at once, none was lost
        pipeline.flush();
        assertThat(sink.events).hasSize(VerityDedupe.MAX_HELD + 5);
    }

    /** The uevent's DISKSEQ must be the disk sysfs shows: a later device on the number is not named. */
    @Test
    void ueventEventIsNamedOnlyWhileItsDiskIsTheOneInSysfs() throws IOException {
        Files.writeString(sys.resolve("devices/virtual/block/dm-0/diskseq"), "38\n");
        Files.writeString(sys.resolve("devices/virtual/block/dm-0/dm/name"), "later\n");
        uevent(3, 1000); // DISKSEQ=37
        pipeline.flush();
        assertThat(sink.events).singleElement().satisfies(e -> {
            assertThat(e.dm().origin()).isEqualTo(DmEvent.Origin.UEVENT);
            assertThat(e.dm().deviceName()).isNull();
        });
    }
}
