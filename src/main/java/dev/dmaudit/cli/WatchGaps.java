package dev.dmaudit.cli;

/**
 * The gaps between {@code listen}'s periodic checks: the base gap after a check that saw activity,
 * twice the previous gap (at most the maximum) after one that saw none. An idle listener then
 * wakes about once a minute instead of every 5 s; the first datagram brings the base gap back.
 */
final class WatchGaps {
    private final long base;
    private final long max;
    private long gap;

    /**
     * @param base the gap while there is activity, ns (positive)
     * @param max  the longest gap, ns (at least base)
     */
    WatchGaps(long base, long max) {
        if (base <= 0 || max < base) {
            throw new IllegalArgumentException("gaps: base " + base + ", max " + max);
        }
        this.base = base;
        this.max = max;
        this.gap = base;
    }

    /** @return the gap before the first check */
    long first() {
        return base;
    }

    /**
     * @param busy whether the check just run saw activity
     * @return the gap before the next check
     */
    long after(boolean busy) {
        gap = busy ? base : Math.min(max, gap * 2);
        return gap;
    }
}
