package dev.dmaudit.kafka;

import dev.dmaudit.sink.DiskSpool;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Events waiting for the broker, oldest first: a bounded memory queue and, optionally, a bounded
 * directory behind it. Once anything is on disk, new events go to disk too until it has been
 * read back, so the order is kept. {@link #offer} never waits (the delivering thread calls it);
 * what fits nowhere is refused and the caller counts the drop.
 */
final class Spool {
    private static final System.Logger LOG = System.getLogger(Spool.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<Spooled> memory = new ArrayDeque<>();
    private final int maxEvents;
    private final long maxBytes;
    private final DiskSpool<Spooled> disk;
    private long memoryBytes;
    private boolean diskBroken;

    /**
     * @param maxEvents most events in memory
     * @param maxBytes  most bytes in memory
     * @param disk      the on-disk spool, or null
     */
    Spool(int maxEvents, long maxBytes, DiskSpool<Spooled> disk) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.disk = disk;
    }

    /** @return true when kept; false when memory and disk are full (the caller counts a drop) */
    boolean offer(Spooled r) {
        lock.lock();
        try {
            boolean diskInUse = disk != null && !diskBroken && !disk.isEmpty();
            if (!diskInUse && memory.size() < maxEvents && memoryBytes + r.size() <= maxBytes) {
                memory.addLast(r);
                memoryBytes += r.size();
                ready.signal();
                return true;
            }
            if (disk != null && !diskBroken) {
                try {
                    if (disk.append(r)) {
                        disk.flush(); // in the page cache at once: a restart of dmaudit finds it
                        ready.signal();
                        return true;
                    }
                } catch (IOException e) {
                    diskBroken = true; // a failing disk must not fail the sink: memory only from now on
                    LOG.log(System.Logger.Level.WARNING, "kafka: the disk spool failed, memory only from now on: " + e.getMessage());
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The oldest event, left in the spool, reading the next disk segment when memory is empty.
     *
     * @param waitMillis how long to wait for one
     * @return the oldest event, or null when none came in time
     * @throws InterruptedException when interrupted while waiting
     */
    Spooled peek(long waitMillis) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            while (true) {
                if (memory.isEmpty() && disk != null && !diskBroken && !disk.isEmpty()) {
                    try {
                        for (Spooled r : disk.takeOldest()) {
                            memory.addLast(r); // beyond the memory cap for one segment (≤ 1 MiB) at most
                            memoryBytes += r.size();
                        }
                    } catch (IOException e) {
                        diskBroken = true;
                        LOG.log(System.Logger.Level.WARNING, "kafka: the disk spool cannot be read back: " + e.getMessage());
                    }
                }
                Spooled head = memory.peekFirst();
                long left = deadline - System.nanoTime();
                if (head != null || left <= 0) {
                    return head;
                }
                ready.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes the event {@link #peek} returned (only the sending thread removes). */
    void removeHead() {
        lock.lock();
        try {
            Spooled r = memory.pollFirst();
            if (r != null) {
                memoryBytes -= r.size();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #peek} (at close). */
    void wake() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return events waiting, in memory and on disk */
    long size() {
        lock.lock();
        try {
            return memory.size() + (disk == null ? 0 : disk.records());
        } finally {
            lock.unlock();
        }
    }

    /**
     * At close: keeps the unacknowledged and the in-memory events on disk for the next run, in
     * front of what is there.
     *
     * @param unacked events sent but not acknowledged, oldest first (they go first)
     * @return how many could not be kept (no disk spool, or it failed): the caller counts them dropped
     */
    long saveForNextRun(List<Spooled> unacked) {
        lock.lock();
        try {
            List<Spooled> all = new ArrayList<>(unacked);
            all.addAll(memory);
            memory.clear();
            memoryBytes = 0;
            if (disk == null || diskBroken) {
                return all.size();
            }
            try {
                disk.prepend(all);
                disk.close();
                if (disk.records() > 0) {
                    LOG.log(System.Logger.Level.INFO, "kafka: " + disk.records() + " events kept in the disk spool for the next run");
                }
                return 0;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "kafka: cannot keep " + all.size() + " events in the disk spool: " + e.getMessage());
                return all.size();
            }
        } finally {
            lock.unlock();
        }
    }
}
