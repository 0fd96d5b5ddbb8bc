package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {
    private static final class E extends DeadlineQueue.Entry {
        E(long deadline, long arrival) {
            super(deadline, arrival);
        }
    }

    private static final Comparator<DeadlineQueue.Entry> ORDER =
            Comparator.<DeadlineQueue.Entry>comparingLong(e -> e.deadline).thenComparingLong(e -> e.arrival);

    @Test
    void agreesWithASortedSetUnderRandomAddsAndRemovals() {
        Random rnd = new Random(15);
        DeadlineQueue q = new DeadlineQueue();
        TreeSet<DeadlineQueue.Entry> ref = new TreeSet<>(ORDER);
        List<E> queued = new ArrayList<>();
        long arrival = 0;
        for (int step = 0; step < 200_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5 || queued.isEmpty()) {
                // few distinct deadlines, so ties are common
                E e = new E(rnd.nextInt(50), arrival++);
                q.add(e);
                ref.add(e);
                queued.add(e);
            } else if (op < 8) {
                E e = queued.remove(rnd.nextInt(queued.size()));
                q.remove(e);
                ref.remove(e);
                q.remove(e); // a second removal is a no-op
            } else {
                DeadlineQueue.Entry first = q.first();
                assertThat(first).isSameAs(ref.first());
                q.remove(first);
                ref.remove(first);
                queued.remove(first);
            }
            assertThat(q.size()).isEqualTo(ref.size());
            assertThat(q.first()).isSameAs(ref.isEmpty() ? null : ref.first());
        }
        while (q.first() != null) {
            DeadlineQueue.Entry first = q.first();
            assertThat(first).isSameAs(ref.pollFirst());
            q.remove(first);
        }
        assertThat(ref).isEmpty();
    }

    @Test
    void anEntryIsQueuedOnceAndCanComeBackAfterRemoval() {
        DeadlineQueue q = new DeadlineQueue();
        E e = new E(5, 0);
        q.add(e);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.add(e)).isInstanceOf(IllegalStateException.class);
        q.remove(e);
        assertThat(q.first()).isNull();
        q.add(e);
        assertThat(q.first()).isSameAs(e);
    }
}
