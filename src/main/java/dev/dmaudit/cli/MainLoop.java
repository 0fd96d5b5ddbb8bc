package dev.dmaudit.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * {@code listen}'s main thread: waits for the end (count reached, signal, output failure) or the
 * timeout, and runs the periodic checks itself when they are due — one thread less than a timer,
 * and no wake-up but the ones asked for.
 */
final class MainLoop {
    private final LongSupplier nanoClock;

    MainLoop(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * @param done      counted down at the end
     * @param timeout   end after this long, or null
     * @param watchEvery how often to run {@code watch} while it sees activity
     * @param watchIdleMax the longest gap between two runs of {@code watch}: while it sees none, each
     *                  gap doubles up to this, so an idle listener wakes rarely (issue 17: no periodic
     *                  wake-ups when nothing happens)
     * @param watch     the periodic check; returns whether it saw activity since its last run
     * @param statsEvery how often to run {@code stats}, or null for never
     * @param stats     the counters line
     * @throws InterruptedException when interrupted while waiting
     */
    void run(CountDownLatch done, Duration timeout, Duration watchEvery, Duration watchIdleMax, BooleanSupplier watch,
             Duration statsEvery, Runnable stats) throws InterruptedException {
        long start = nanoClock.getAsLong();
        long end = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
        WatchGaps gaps = new WatchGaps(watchEvery.toNanos(), watchIdleMax.toNanos());
        long nextWatch = start + gaps.first();
        long nextStats = statsEvery == null ? Long.MAX_VALUE : start + statsEvery.toNanos();
        while (true) {
            long now = nanoClock.getAsLong();
            if (now - end >= 0 && end != Long.MAX_VALUE) {
                return;
            }
            if (now - nextWatch >= 0) {
                nextWatch = now + gaps.after(watch.getAsBoolean());
            }
            if (statsEvery != null && now - nextStats >= 0) {
                stats.run();
                nextStats += statsEvery.toNanos();
            }
            long wake = Math.min(nextWatch, Math.min(nextStats, end));
            if (done.await(Math.max(1, wake - nanoClock.getAsLong()), TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }
}
