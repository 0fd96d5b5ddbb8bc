package dev.dmaudit.api;

import dev.dmaudit.os.SyscallException;
import dev.dmaudit.os.ThreadPriority;

/**
 * Starts threads at a raised priority: nice is per thread on Linux and a new thread inherits its
 * creator's, so the calling thread lowers its nice, starts them, and goes back.
 */
final class PriorityBoost {
    private PriorityBoost() {
    }

    /**
     * @param boost        nice levels to raise by (0: just run)
     * @param startThreads starts the threads
     * @throws DmAuditException of kind PERMISSION without CAP_SYS_NICE, before anything started
     */
    static void around(int boost, Runnable startThreads) {
        if (boost == 0) {
            startThreads.run();
            return;
        }
        ThreadPriority p;
        int before;
        try {
            p = ThreadPriority.system();
            before = p.nice();
            p.setNice(before - boost);
        } catch (SyscallException e) {
            throw Failures.of(e);
        }
        try {
            startThreads.run();
        } finally {
            p.setNice(before);
        }
    }

    /**
     * Tries the boost on this thread and goes back, so that a caller can make a missing
     * CAP_SYS_NICE a warning instead of a failed start.
     *
     * @param boost nice levels
     * @return null when the boost is possible (or 0), else why not
     */
    static DmAuditException probe(int boost) {
        try {
            around(boost, () -> { });
            return null;
        } catch (DmAuditException e) {
            return e;
        }
    }
}
