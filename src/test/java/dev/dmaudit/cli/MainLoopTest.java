package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** listen's main thread: ends on the latch or the timeout, and runs the periodic checks when due. */
class MainLoopTest {
    @Test
    @Timeout(10)
    void theLatchEndsItAtOnceAndNothingIsDueYet() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        done.countDown();
        AtomicInteger watched = new AtomicInteger();
        new MainLoop(System::nanoTime).run(done, null, Duration.ofHours(1), Duration.ofHours(1), busy(watched), null, () -> { });
        assertThat(watched).hasValue(0);
    }

    @Test
    @Timeout(10)
    void theTimeoutEndsItAndTheChecksRanMeanwhile() throws InterruptedException {
        AtomicInteger watched = new AtomicInteger();
        AtomicInteger stats = new AtomicInteger();
        new MainLoop(System::nanoTime).run(new CountDownLatch(1), Duration.ofMillis(300), Duration.ofMillis(20),
                Duration.ofMillis(20), busy(watched), Duration.ofMillis(20), stats::incrementAndGet);
        assertThat(watched.get()).isPositive();
        assertThat(stats.get()).isPositive();
    }

    @Test
    @Timeout(10)
    void withoutStatsOnlyTheWatchRuns() throws InterruptedException {
        AtomicInteger stats = new AtomicInteger();
        AtomicInteger watched = new AtomicInteger();
        new MainLoop(System::nanoTime).run(new CountDownLatch(1), Duration.ofMillis(100), Duration.ofMillis(10),
                Duration.ofMillis(10), busy(watched), null, stats::incrementAndGet);
        assertThat(stats).hasValue(0);
        assertThat(watched.get()).isPositive();
    }

    @Test
    @Timeout(10)
    void aQuietWatchIsRunLessAndLessOften() throws InterruptedException {
        // Gaps 10, 20, 40, 80, 80, … ms: each wait lasts at least its gap, so 400 ms hold at most 7
        // runs (about 40 without the back-off); the gaps themselves are WatchGapsTest's.
        AtomicInteger watched = new AtomicInteger();
        new MainLoop(System::nanoTime).run(new CountDownLatch(1), Duration.ofMillis(400), Duration.ofMillis(10),
                Duration.ofMillis(80), () -> {
                    watched.incrementAndGet();
                    return false;
                }, null, () -> { });
        assertThat(watched.get()).isBetween(1, 7);
    }

    private static java.util.function.BooleanSupplier busy(AtomicInteger count) {
        return () -> {
            count.incrementAndGet();
            return true;
        };
    }
}
