package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.AuditLogParser;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A storm of events that never complete (fresh serial each, no EOE) keeps at most maxOpen open. */
class EventAssemblerBoundTest {
    private final AuditLogParser parser = new AuditLogParser();

    private void storm(String type, String fields, int n, int maxOpen) {
        AtomicLong emitted = new AtomicLong();
        AtomicLong evictedSeen = new AtomicLong();
        EventAssembler a = new EventAssembler(60_000, maxOpen, ev -> {
            emitted.incrementAndGet();
            if (ev.completion() == AuditEvent.Completion.EVICTED) {
                evictedSeen.incrementAndGet();
            }
        });
        for (int i = 0; i < n; i++) {
            // The clock stands still: no timeout can help, only the bound.
            a.accept(parser.parse("type=" + type + " msg=audit(1795838694.300:" + (1_000_000L + i) + "): " + fields), 0);
            assertThat(a.open()).isLessThanOrEqualTo(maxOpen);
        }
        EventAssembler s = a;
        assertThat(s.open()).isEqualTo(maxOpen);
        assertThat(s.evicted()).isEqualTo(n - maxOpen).isEqualTo(evictedSeen.get());
        assertThat(s.timedOut()).isZero();
        assertThat(emitted.get()).isEqualTo(n - maxOpen);
        a.flush();
        assertThat(a.open()).isZero();
        assertThat(a.events()).isEqualTo(n).isEqualTo(emitted.get());
    }

    @Test
    void syscallStormWithoutEoeIsBoundedAndEveryEvictionCounted() {
        storm("SYSCALL", "arch=c000003e syscall=16 success=yes exit=0 pid=293 comm=\"dmsetup\"", 200_000, 4096);
    }

    @Test
    void dmCtrlStormWithoutEoeIsBoundedAndEveryEvictionCounted() {
        storm("DM_CTRL", "module=integrity op=ctr pid=293 comm=\"dmsetup\" dev=254:0 error_msg='success' res=1", 50_000, 100);
    }

    /** 2M records of one serial once exhausted decode's heap: an event is emitted, truncated, at the cap. */
    @Test
    void oneSerialWithEndlessRecordsIsCutAtTheCapAndCounted() {
        java.util.List<AuditEvent> out = new java.util.ArrayList<>();
        EventAssembler a = new EventAssembler(60_000, 16, 1024, out::add);
        for (int i = 0; i < 100_000; i++) {
            a.accept(parser.parse("type=PATH msg=audit(1795838694.300:42): item=" + i + " name=\"/x\""), 0);
            assertThat(a.open()).isLessThanOrEqualTo(1);
        }
        a.flush();
        assertThat(a.truncated()).isEqualTo(100_000 / 1024);
        assertThat(out).hasSize(100_000 / 1024 + 1);
        assertThat(out.subList(0, out.size() - 1)).allMatch(e -> e.records().size() == 1024
                && e.completion() == AuditEvent.Completion.TRUNCATED);
        assertThat(out.stream().mapToInt(e -> e.records().size()).sum()).isEqualTo(100_000);
    }
}
