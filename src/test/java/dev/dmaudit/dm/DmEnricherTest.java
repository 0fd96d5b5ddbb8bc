package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import static dev.dmaudit.dm.Fixtures.ok;
import static dev.dmaudit.dm.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The enricher answers a burst of events with few processes, from its cache when limited. */
class DmEnricherTest {
    private static final Duration T = Duration.ofSeconds(1);
    private final CommandRunner runner = mock(CommandRunner.class);
    private final MutableClock clock = new MutableClock();
    private DmEnricher enricher;

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        enricher = new DmEnricher(new DmSetup(runner, T), Duration.ofSeconds(2),
                new TokenBucket(3, Duration.ofSeconds(1), clock), clock);
        when(runner.run(anyList(), any())).thenAnswer(inv -> {
            List<String> argv = inv.getArgument(0);
            String action = argv.get(1);
            boolean int2 = argv.contains("1") || argv.contains("int2");
            return switch (action) {
                case "info" -> ok(int2 ? "int2;254;1;L--w;0;1;0;CRYPT-INTEGRITY-int2\n"
                        : "int1;254;0;L--w;0;1;0;CRYPT-INTEGRITY-int1\n");
                case "status" -> ok(int2 ? "0 64664 integrity 2 64664 -\n" : "0 60992 integrity 0 60992 -\n");
                case "table" -> ok(read("two-integrity/C-dmsetup-table-int1.txt")
                        .replace("7:0", int2 ? "7:1" : "7:0"));
                default -> throw new AssertionError(argv);
            };
        });
    }

    @Test
    void looksUpTypeBackingDeviceAndMismatches() {
        DeviceHealth h = enricher.lookup(new DeviceNumber(254, 1)).orElseThrow();
        assertThat(h.name()).isEqualTo("int2");
        assertThat(h.targetType()).isEqualTo("integrity");
        assertThat(h.backingDevice()).contains("7:1");
        assertThat(h.mismatches()).isEqualTo(OptionalLong.of(2));
        assertThat(h.stale()).isFalse();
        assertThat(h.observedAt()).isEqualTo(clock.instant());
    }

    @Test
    void burstForOneDeviceForksOnceAndServesTheCache() throws Exception {
        DeviceNumber id = new DeviceNumber(254, 1);
        Optional<DeviceHealth> first = enricher.lookup(id);
        for (int i = 0; i < 100; i++) {
            assertThat(enricher.lookup(id)).hasValueSatisfying(h -> assertThat(h.stale()).isTrue());
        }
        verify(runner, times(3)).run(anyList(), any()); // info, status, table: once
        assertThat(enricher.forks()).isEqualTo(1);
        assertThat(enricher.limited()).isEqualTo(100);
        clock.advance(Duration.ofSeconds(2));
        assertThat(enricher.lookup(id)).hasValueSatisfying(h -> assertThat(h.stale()).isFalse());
        assertThat(first).isPresent();
    }

    @Test
    void globalBucketLimitsManyDevices() {
        for (int minor = 0; minor < 10; minor++) {
            enricher.lookup(new DeviceNumber(254, minor));
        }
        assertThat(enricher.forks()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        enricher.lookup(new DeviceNumber(254, 20));
        enricher.lookup(new DeviceNumber(254, 21));
        assertThat(enricher.forks()).isEqualTo(4);
    }

    @Test
    void toolFailureKeepsTheLastResultAndNeverThrows() throws Exception {
        DeviceNumber id = new DeviceNumber(254, 0);
        assertThat(enricher.lookup(id)).isPresent();
        doThrow(new ToolTimeoutException("dmsetup", T)).when(runner).run(anyList(), any());
        clock.advance(Duration.ofSeconds(5));
        assertThat(enricher.lookup(id)).hasValueSatisfying(h -> {
            assertThat(h.stale()).isTrue();
            assertThat(h.name()).isEqualTo("int1");
        });
        assertThat(enricher.lookup(new DeviceNumber(254, 9))).isEmpty();
    }

    @Test
    void byNameAndRefusedName() throws Exception {
        assertThat(enricher.lookup("int2")).hasValueSatisfying(h -> assertThat(h.id()).isEqualTo(new DeviceNumber(254, 1)));
        assertThat(enricher.lookup("-bad")).isEmpty();
        verify(runner, never()).run(List.of("dmsetup", "status", "-bad"), T);
    }

    @Test
    void tokenBucketRefills() {
        TokenBucket b = new TokenBucket(2, Duration.ofMillis(500), clock);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(499));
        assertThat(b.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.tryAcquire()).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isFalse();
    }
}
