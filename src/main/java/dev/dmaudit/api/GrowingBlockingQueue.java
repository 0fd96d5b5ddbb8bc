package dev.dmaudit.api;

import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded blocking FIFO whose array starts small and doubles as needed up to its bound. The
 * listener's queue holds up to 65,536 events for a slow consumer, but an idle listener holds none:
 * {@link java.util.concurrent.ArrayBlockingQueue} allocates all its slots at once (256 KiB that
 * stay in the old generation for the listener's life), this one a few KiB until a burst needs
 * more. It keeps what a burst grew it to (the next burst needs it too). Locking as in
 * ArrayBlockingQueue: one lock, a condition that takers wait on; offers never wait.
 *
 * @param <E> the elements, never null
 */
final class GrowingBlockingQueue<E> {
    private final int bound;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private Object[] items;
    /** Index of the oldest element. */
    private int head;
    private int count;

    /**
     * @param bound   the most elements it holds (≥ 1)
     * @param initial slots allocated at first (1..bound)
     */
    GrowingBlockingQueue(int bound, int initial) {
        if (bound < 1 || initial < 1 || initial > bound) {
            throw new IllegalArgumentException("bound " + bound + ", initial " + initial);
        }
        this.bound = bound;
        this.items = new Object[initial];
    }

    /** @return whether {@code e} was added (false: the queue holds its bound) */
    boolean offer(E e) {
        return offer(e, bound);
    }

    /**
     * Adds {@code e} only while fewer than {@code limit} elements are held: the slots above it stay
     * free for later offers with a higher limit (the listener's end marker), in one locked step.
     *
     * @return whether {@code e} was added
     */
    boolean offer(E e, int limit) {
        Objects.requireNonNull(e);
        lock.lock();
        try {
            if (count >= Math.min(limit, bound)) {
                return false;
            }
            if (count == items.length) {
                grow();
            }
            int tail = head + count;
            items[tail < items.length ? tail : tail - items.length] = e;
            count++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Doubles the array (at most to the bound), the oldest element first. Under the lock. */
    private void grow() {
        Object[] bigger = new Object[(int) Math.min(2L * items.length, bound)];
        int first = Math.min(count, items.length - head);
        System.arraycopy(items, head, bigger, 0, first);
        System.arraycopy(items, 0, bigger, first, count - first);
        items = bigger;
        head = 0;
    }

    /** @return the oldest element, removed, or null when there is none; does not wait */
    E poll() {
        lock.lock();
        try {
            return count == 0 ? null : dequeue();
        } finally {
            lock.unlock();
        }
    }

    /** @return the oldest element, removed, waiting as long as there is none */
    E take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                notEmpty.await();
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    /** @return the oldest element, removed, or null when none came within {@code nanos} */
    E poll(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    /** @return the oldest element, left in place, or null */
    @SuppressWarnings("unchecked")
    E peek() {
        lock.lock();
        try {
            return count == 0 ? null : (E) items[head];
        } finally {
            lock.unlock();
        }
    }

    /** @return the elements held now */
    int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** @return the slots allocated now (for tests and the footprint) */
    int slots() {
        lock.lock();
        try {
            return items.length;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private E dequeue() {
        E e = (E) items[head];
        items[head] = null;
        head = head + 1 == items.length ? 0 : head + 1;
        count--;
        return e;
    }
}
