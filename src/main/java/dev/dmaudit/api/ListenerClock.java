package dev.dmaudit.api;

import java.util.function.LongSupplier;

/**
 * The reader's clock, in wall-clock milliseconds. It reads the wall clock anew whenever the
 * pipeline has nothing pending (no open event, no running window), so event times taken from it (a
 * uevent's) are wall time; while something is pending it adds the monotonic time elapsed since that
 * reading, so a step of the wall clock neither holds open events for the step's length (backwards:
 * events without EOE stayed open until the clock caught up) nor ends them early (forwards). The
 * difference is taken up at the next moment nothing is pending. One thread.
 */
final class ListenerClock {
    private final LongSupplier wallMillis;
    private final LongSupplier monotonicNanos;
    private long anchorWall;
    private long anchorNanos;

    /**
     * @param wallMillis     the wall clock (System::currentTimeMillis)
     * @param monotonicNanos a clock that never steps (System::nanoTime)
     */
    ListenerClock(LongSupplier wallMillis, LongSupplier monotonicNanos) {
        this.wallMillis = wallMillis;
        this.monotonicNanos = monotonicNanos;
        anchor();
    }

    /**
     * @param nothingPending whether the pipeline had no deadline pending (then the wall clock is
     *                       read anew)
     * @return now, in wall-clock milliseconds
     */
    long now(boolean nothingPending) {
        if (nothingPending) {
            anchor();
            return anchorWall;
        }
        return anchorWall + (monotonicNanos.getAsLong() - anchorNanos) / 1_000_000L;
    }

    private void anchor() {
        anchorWall = wallMillis.getAsLong();
        anchorNanos = monotonicNanos.getAsLong();
    }
}
