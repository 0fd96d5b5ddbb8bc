package dev.dmaudit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dmaudit.os.ProcFiles;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DecoderWarmupTest {
    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void syntheticRecordsAllDecodeAsTheRealPathWould() {
        ListenerSettings settings = new ListenerSettings();
        DecoderWarmup.Outcome o = DecoderWarmup.run(settings, 20_000, 60_000, () -> -1);
        assertEquals(20_000, o.records());
        assertEquals(DecoderWarmup.Stop.RECORDS, o.stop());
    }

    /** A time budget far below the record budget ends it; a hang here would fail at the timeout. */
    @Test
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.SECONDS)
    void stopsAtItsTimeBudgetAndLeavesTheRealSettingsAlone() {
        ListenerSettings settings = new ListenerSettings();
        long started = System.nanoTime();
        // Compilers that never go quiet: only the time budget can end it.
        AtomicLong busy = new AtomicLong();
        DecoderWarmup.Outcome o = DecoderWarmup.run(settings, Long.MAX_VALUE, 50, () -> busy.addAndGet(1_000_000_000L));
        assertTrue(o.records() > 0);
        assertEquals(DecoderWarmup.Stop.TIME, o.stop());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30);
        assertEquals(java.nio.file.Path.of("/sys"), settings.sysfsRoot, "the real listener still names devices");
        assertEquals(65536, settings.queueCapacity);
    }

    /** Compilers whose CPU time stops growing end the warm-up long before its time budget would. */
    @Test
    @Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
    void endsWhenTheCompilersGoQuiet() {
        DecoderWarmup.Outcome o = DecoderWarmup.run(new ListenerSettings(), Long.MAX_VALUE, 600_000, () -> 42);
        assertEquals(DecoderWarmup.Stop.COMPILED, o.stop());
        assertTrue(o.records() >= 2 * 16_384, "at least two windows were judged: " + o.records());
    }

    /** The real JVM's compilers, read from /proc: they end the warm-up on their own (this JVM has C2). */
    @Test
    @Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
    void theRealCompilersGoQuietBeforeAMinute() {
        assertTrue(DecoderWarmup.compilerCpuNanos() > 0, "the JIT's threads are found in /proc/self/task");
        DecoderWarmup.Outcome o = DecoderWarmup.run(new ListenerSettings(), Long.MAX_VALUE, 60_000, DecoderWarmup::compilerCpuNanos);
        assertEquals(DecoderWarmup.Stop.COMPILED, o.stop());
    }

    @Test
    void threadCpuCountsOnlyTheNamedThreads() throws Exception {
        assertEquals(0, ProcFiles.threadsCpuNanos("no thread is called this"));
        java.util.concurrent.CountDownLatch spun = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            long x = 0;
            for (int i = 0; i < 50_000_000; i++) {
                x += i ^ (x >>> 3);
            }
            busySink = x;
            spun.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cputest-spin");
        t.start();
        spun.await();
        try {
            assertTrue(ProcFiles.threadsCpuNanos("cputest-spin") > 0, "the JVM names the OS thread after the Java thread");
        } finally {
            done.countDown();
            t.join();
        }
    }

    static volatile long busySink;
}
