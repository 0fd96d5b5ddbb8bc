package dev.dmaudit.event;

import java.util.Arrays;

/**
 * Open events by deadline, earliest first (ties: first added first): a binary heap whose entries
 * know their slot, so an event that completes otherwise (EOE, eviction) leaves it in O(log n).
 * The grouping needs it because deadlines are not always in arrival order: a log's records step
 * back in time (logs concatenated out of order, a log of shuffled lines), and an event opened
 * before the step must not hold back the ones after it. Not thread-safe.
 */
final class DeadlineQueue {
    /** An element: its deadline and arrival number are fixed; its slot is the queue's business. */
    abstract static class Entry {
        final long deadline;
        final long arrival;
        int slot = -1;

        Entry(long deadline, long arrival) {
            this.deadline = deadline;
            this.arrival = arrival;
        }

        private boolean before(Entry o) {
            return deadline < o.deadline || deadline == o.deadline && arrival < o.arrival;
        }
    }

    private Entry[] heap = new Entry[16];
    private int size;

    void add(Entry e) {
        if (e.slot >= 0) {
            throw new IllegalStateException("already queued");
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        up(e, size++);
    }

    /** Removes e if it is queued. */
    void remove(Entry e) {
        int i = e.slot;
        if (i < 0) {
            return;
        }
        e.slot = -1;
        Entry last = heap[--size];
        heap[size] = null;
        if (i < size) {
            // The last entry fills the hole and moves up or down to its place.
            if (i > 0 && last.before(heap[(i - 1) >>> 1])) {
                up(last, i);
            } else {
                down(last, i);
            }
        }
    }

    /** @return the earliest entry, or null when empty */
    Entry first() {
        return size == 0 ? null : heap[0];
    }

    int size() {
        return size;
    }

    private void up(Entry e, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (!e.before(p)) {
                break;
            }
            heap[i] = p;
            p.slot = i;
            i = parent;
        }
        heap[i] = e;
        e.slot = i;
    }

    private void down(Entry e, int i) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].before(c)) {
                child = right;
                c = heap[right];
            }
            if (!c.before(e)) {
                break;
            }
            heap[i] = c;
            c.slot = i;
            i = child;
        }
        heap[i] = e;
        e.slot = i;
    }
}
