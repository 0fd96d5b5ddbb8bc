package dev.dmaudit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DecoderWarmupTest {
    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void syntheticRecordsAllDecodeAsTheRealPathWould() {
        ListenerSettings settings = new ListenerSettings();
        assertEquals(20_000, DecoderWarmup.run(settings, 20_000, 60_000));
    }

    /** A time budget far below the record budget ends it; a hang here would fail at the timeout. */
    @Test
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.SECONDS)
    void stopsAtItsTimeBudgetAndLeavesTheRealSettingsAlone() {
        ListenerSettings settings = new ListenerSettings();
        long started = System.nanoTime();
        long records = DecoderWarmup.run(settings, Long.MAX_VALUE, 50);
        assertTrue(records > 0);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30);
        assertEquals(java.nio.file.Path.of("/sys"), settings.sysfsRoot, "the real listener still names devices");
        assertEquals(65536, settings.queueCapacity);
    }
}
