package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventAssemblerTest {
    private final AuditLogParser parser = new AuditLogParser();
    private final List<AuditEvent> out = new ArrayList<>();

    private AuditRecord rec(String line) {
        return parser.parse(line);
    }

    @Test
    void completesOnEoeAndKeepsArrivalOrder() {
        EventAssembler a = new EventAssembler(300, 16, out::add);
        a.accept(rec("type=DM_CTRL msg=audit(10.000:8): module=integrity op=ctr pid=1 dev=254:0 error_msg='success' res=1"), 0);
        a.accept(rec("type=SYSCALL msg=audit(10.000:8): arch=c000003e syscall=16 success=yes exit=0"), 0);
        assertThat(out).isEmpty();
        a.accept(rec("type=EOE msg=audit(10.000:8): "), 0);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).records()).extracting(AuditRecord::typeName).containsExactly("DM_CTRL", "SYSCALL");
        assertThat(out.get(0).completion()).isEqualTo(AuditEvent.Completion.EOE);
        assertThat(a.open()).isZero();
    }

    @Test
    void bioLevelDmEventCompletesOnArrivalWithoutTimer() {
        EventAssembler a = new EventAssembler(5_000, 16, out::add);
        a.accept(rec("type=DM_EVENT msg=audit(10.000:15): module=integrity op=integrity-checksum dev=254:0 sector=20000 res=0"), 0);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).completion()).isEqualTo(AuditEvent.Completion.STANDALONE);
    }

    @Test
    void targetLevelDmEventWaitsForItsSyscallContext() {
        EventAssembler a = new EventAssembler(5_000, 16, out::add);
        a.accept(rec("type=DM_EVENT msg=audit(10.000:30): module=integrity op=mac-superblock dev=254:0 sector=? res=0"), 0);
        a.accept(rec("type=DM_CTRL msg=audit(10.000:30): module=integrity op=ctr pid=9 comm=\"integritysetup\" dev=254:0 error_msg='Error reading superblock' res=0"), 0);
        a.accept(rec("type=DM_CTRL msg=audit(10.000:30): module=integrity op=dtr pid=9 comm=\"integritysetup\" dev=254:0 error_msg='success' res=1"), 0);
        a.accept(rec("type=SYSCALL msg=audit(10.000:30): arch=c000003e syscall=16 success=no exit=-84"), 0);
        assertThat(out).isEmpty();
        a.accept(rec("type=EOE msg=audit(10.000:30): "), 0);
        DmEvent dm = DmEvents.from(out.get(0));
        assertThat(dm.records()).hasSize(3);
        assertThat(((DmData) dm.records().get(0)).hasSector()).isFalse();
        assertThat(dm.records().get(0).knownOp()).isEqualTo(DmOp.INTEGRITY_MAC_SUPERBLOCK);
        assertThat(dm.process().comm()).isEqualTo("integritysetup");
        assertThat(dm.syscall().exit()).isEqualTo(-84);
    }

    @Test
    void timeoutEmitsEventsWithoutEoe() {
        EventAssembler a = new EventAssembler(300, 16, out::add);
        a.accept(rec("type=DM_CTRL msg=audit(10.000:8): module=integrity op=ctr pid=1 dev=254:0 res=1"), 1000);
        a.expire(1299);
        assertThat(out).isEmpty();
        assertThat(a.nextDeadline()).isEqualTo(1300);
        a.expire(1300);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).completion()).isEqualTo(AuditEvent.Completion.TIMEOUT);
        assertThat(a.timedOut()).isEqualTo(1);
        // Its late EOE is counted, not turned into an empty event.
        a.accept(rec("type=EOE msg=audit(10.000:8): "), 1400);
        assertThat(out).hasSize(1);
        assertThat(a.strayEoe()).isEqualTo(1);
    }

    @Test
    void anEventOpenedBeforeTheLogsTimeSteppedBackDoesNotHoldBackTheOthers() {
        // Logs concatenated newest first (cat audit.log audit.log.1): an event left open at the end
        // of the newer one waits for its own time, the older log's events time out on theirs.
        EventAssembler a = new EventAssembler(300, 16, out::add);
        a.accept(rec("type=SYSCALL msg=audit(100.000:1): syscall=16"), 100_000);
        a.accept(rec("type=SYSCALL msg=audit(10.000:2): syscall=16"), 10_000);
        a.accept(rec("type=SYSCALL msg=audit(10.100:3): syscall=16"), 10_100);
        assertThat(out).isEmpty();
        assertThat(a.nextDeadline()).isEqualTo(10_300);
        a.accept(rec("type=SYSCALL msg=audit(10.350:4): syscall=16"), 10_350);
        assertThat(out).extracting(AuditEvent::serial).containsExactly(2L);
        a.expire(99_999);
        assertThat(out).extracting(AuditEvent::serial).containsExactly(2L, 3L, 4L);
        assertThat(out).extracting(AuditEvent::completion).containsOnly(AuditEvent.Completion.TIMEOUT);
        assertThat(a.open()).isEqualTo(1);
        assertThat(a.nextDeadline()).isEqualTo(100_300);
        a.accept(rec("type=EOE msg=audit(100.000:1): "), 100_000);
        assertThat(out).extracting(AuditEvent::serial).containsExactly(2L, 3L, 4L, 1L);
        assertThat(a.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(a.evicted()).isZero();
    }

    @Test
    void eventsWithTheSameDeadlineTimeOutInArrivalOrder() {
        EventAssembler a = new EventAssembler(300, 64, out::add);
        for (int s = 1; s <= 40; s++) {
            a.accept(rec("type=SYSCALL msg=audit(10.000:" + s + "): syscall=16"), 1000);
        }
        a.expire(1300);
        assertThat(out).extracting(AuditEvent::serial)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
    }

    @Test
    void openEventsAreBoundedOldestEvictedAndCounted() {
        EventAssembler a = new EventAssembler(60_000, 3, out::add);
        for (int s = 1; s <= 10; s++) {
            a.accept(rec("type=SYSCALL msg=audit(10.000:" + s + "): syscall=16"), 0);
        }
        assertThat(a.open()).isEqualTo(3);
        assertThat(a.evicted()).isEqualTo(7);
        assertThat(out).extracting(AuditEvent::serial).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        a.flush();
        assertThat(out).hasSize(10);
        assertThat(out.get(9).completion()).isEqualTo(AuditEvent.Completion.FLUSH);
    }

    @Test
    void interleavedSerialsGroupSeparately() {
        EventAssembler a = new EventAssembler(300, 16, out::add);
        a.accept(rec("type=DM_CTRL msg=audit(10.000:51): module=integrity op=ctr pid=1 dev=254:0 res=1"), 0);
        a.accept(rec("type=DM_CTRL msg=audit(10.000:53): module=integrity op=ctr pid=2 dev=254:1 res=1"), 0);
        a.accept(rec("type=EOE msg=audit(10.000:53): "), 0);
        a.accept(rec("type=EOE msg=audit(10.000:51): "), 0);
        assertThat(out).extracting(AuditEvent::serial).containsExactly(53L, 51L);
    }

    @Test
    void userMessagesStandAlone() {
        EventAssembler a = new EventAssembler(300, 16, out::add);
        a.accept(rec("type=USER_LOGIN msg=audit(10.000:5): pid=1 msg='op=login res=success'"), 0);
        assertThat(out).hasSize(1);
        assertThat(DmEvents.from(out.get(0))).isNull();
    }
}
