package dev.dmaudit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecoderWarmupTest {
    @Test
    void syntheticRecordsAllDecodeAndGroupAsTheRealPathWould() {
        DmAuditListener.Config config = new DmAuditListener.Config();
        Metrics m = DecoderWarmup.run(config, 20_000, 60_000);
        assertEquals(20_000, m.records());
        assertEquals(0, m.malformed(), "every synthetic record parses");
        // A round is 10 records in 4 events: DM_CTRL + companions (EOE), DM_EVENT alone,
        // SYSCALL + PROCTITLE (EOE), a user message alone. Nothing waits for a timeout.
        assertEquals(8_000, m.events());
        assertEquals(0, m.timedOutEvents());
        assertEquals(0, m.evictedEvents());
        // DM-only filter: two DM events a round were handed to the (no-op) consumer or counted as dropped.
        assertEquals(4_000, m.delivered() + m.droppedByQueue());
    }

    @Test
    void stopsAtItsTimeBudgetAndLeavesTheRealSettingsAlone() {
        DmAuditListener.Config config = new DmAuditListener.Config();
        Metrics m = DecoderWarmup.run(config, Long.MAX_VALUE, 50);
        assertTrue(m.records() > 0);
        assertTrue(config.resolveNames, "the real listener still resolves names");
        assertEquals(65536, config.queueCapacity);
    }
}
