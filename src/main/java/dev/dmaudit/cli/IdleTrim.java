package dev.dmaudit.cli;

import java.util.function.LongSupplier;

/**
 * {@code listen}'s memory housekeeping, run on the main thread's watch ticks (no thread and no
 * wake-up of its own): gives the C heap's free pages back to the kernel on a tick that saw no
 * datagram since the one before, if the resident set grew by {@link #GROWTH_PAGES} since the last
 * trim. The JIT compilers free their working memory to malloc after each compilation and glibc
 * keeps those pages (~19 MB of an idle listener after the warm-up's compilations, BENCHMARKS.md
 * "Footprint"); when the compilations end depends on the machine's load, hence "on a quiet tick
 * after growth" rather than a fixed time. The growth test keeps an idle listener from trimming
 * (~20 madvise calls each time) every 5 s for nothing.
 */
final class IdleTrim {
    /** 1 MiB in 4 KiB pages. */
    static final long GROWTH_PAGES = 256;
    private final LongSupplier datagrams;
    private final LongSupplier residentPages;
    private final Runnable trim;
    private long lastCount;
    /** Resident pages after the last trim; the first quiet tick always trims. */
    private long afterTrim = Long.MIN_VALUE / 2;

    /**
     * @param datagrams     the listener's datagram count so far
     * @param residentPages the process's resident set in pages, or -1 when unknown (then every quiet tick trims)
     * @param trim          what trims (NativeHeap::trim in the CLI)
     */
    IdleTrim(LongSupplier datagrams, LongSupplier residentPages, Runnable trim) {
        this.datagrams = datagrams;
        this.residentPages = residentPages;
        this.trim = trim;
        this.lastCount = datagrams.getAsLong();
    }

    /**
     * One watch tick.
     *
     * @return whether a datagram came since the tick before
     */
    boolean tick() {
        long count = datagrams.getAsLong();
        boolean quiet = count == lastCount;
        lastCount = count;
        if (!quiet) {
            return true;
        }
        long resident = residentPages.getAsLong();
        if (resident < 0 || resident - afterTrim >= GROWTH_PAGES) {
            trim.run();
            afterTrim = residentPages.getAsLong();
        }
        return false;
    }
}
