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
        new MainLoop(System::nanoTime).run(done, null, Duration.ofHours(1), watched::incrementAndGet, null, () -> { });
        assertThat(watched).hasValue(0);
    }

    @Test
    @Timeout(10)
    void theTimeoutEndsItAndTheChecksRanMeanwhile() throws InterruptedException {
        AtomicInteger watched = new AtomicInteger();
        AtomicInteger stats = new AtomicInteger();
        new MainLoop(System::nanoTime).run(new CountDownLatch(1), Duration.ofMillis(300), Duration.ofMillis(20),
                watched::incrementAndGet, Duration.ofMillis(20), stats::incrementAndGet);
        assertThat(watched.get()).isPositive();
        assertThat(stats.get()).isPositive();
    }

    @Test
    @Timeout(10)
    void withoutStatsOnlyTheWatchRuns() throws InterruptedException {
        AtomicInteger stats = new AtomicInteger();
        AtomicInteger watched = new AtomicInteger();
        new MainLoop(System::nanoTime).run(new CountDownLatch(1), Duration.ofMillis(100), Duration.ofMillis(10),
                watched::incrementAndGet, null, stats::incrementAndGet);
        assertThat(stats).hasValue(0);
        assertThat(watched.get()).isPositive();
    }
}
