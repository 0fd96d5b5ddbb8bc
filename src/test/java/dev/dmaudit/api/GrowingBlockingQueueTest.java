package dev.dmaudit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GrowingBlockingQueueTest {
    @Test
    void startsSmallAndGrowsOnlyAsFarAsItsBound() {
        GrowingBlockingQueue<Integer> q = new GrowingBlockingQueue<>(10, 4);
        assertEquals(4, q.slots());
        for (int i = 0; i < 10; i++) {
            assertTrue(q.offer(i), "element " + i);
        }
        assertEquals(10, q.slots(), "doubled to 8, then to the bound, not 16");
        assertFalse(q.offer(10), "full at its bound");
        assertEquals(10, q.size());
        assertEquals(0, q.poll());
        assertTrue(q.offer(10), "room again after a poll");
        assertFalse(q.offer(11));
    }

    /** A limit below the bound keeps the slots above it for an offer without one (the end marker). */
    @Test
    void anOfferWithALimitLeavesTheSlotsAboveItFree() {
        GrowingBlockingQueue<Integer> q = new GrowingBlockingQueue<>(4, 1);
        for (int i = 0; i < 3; i++) {
            assertTrue(q.offer(i, 3), "element " + i);
        }
        assertFalse(q.offer(3, 3), "at its limit");
        assertEquals(3, q.size());
        assertTrue(q.offer(-1), "the last slot is still there");
        assertFalse(q.offer(4, 10), "a limit above the bound is the bound");
        assertEquals(0, q.poll());
    }

    /** Growth while the oldest elements sit at the end of the array and the newest wrapped to its start. */
    @Test
    void keepsTheOrderWhenItGrowsWrappedAround() {
        GrowingBlockingQueue<Integer> q = new GrowingBlockingQueue<>(1000, 4);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 200; round++) {
            // Three in, two out: the head walks round the array while it grows.
            for (int k = 0; k < 3 && q.size() < 1000; k++) {
                assertTrue(q.offer(next++));
            }
            for (int k = 0; k < 2; k++) {
                assertEquals(expected++, q.poll());
            }
        }
        while (q.size() > 0) {
            assertEquals(expected++, q.peek());
            assertEquals(expected - 1, q.poll());
        }
        assertEquals(next, expected, "every element came out once, in order");
        assertTrue(q.slots() >= 200 && q.slots() <= 256, "slots " + q.slots());
        assertNull(q.poll());
        assertNull(q.peek());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void takeWaitsForAnOfferFromAnotherThread() throws Exception {
        GrowingBlockingQueue<String> q = new GrowingBlockingQueue<>(2, 1);
        AtomicReference<String> got = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread taker = new Thread(() -> {
            waiting.countDown();
            try {
                got.set(q.take());
            } catch (InterruptedException e) {
                got.set("interrupted");
            }
        });
        taker.start();
        waiting.await();
        assertTrue(q.offer("x"));
        taker.join(20_000);
        assertEquals("x", got.get());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void pollWithATimeoutGivesNullWhenNothingCameAndAnElementWhenOneDid() throws Exception {
        GrowingBlockingQueue<String> q = new GrowingBlockingQueue<>(2, 2);
        assertNull(q.poll(TimeUnit.MILLISECONDS.toNanos(20)));
        assertNull(q.poll(0));
        q.offer("a");
        assertEquals("a", q.poll(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anInterruptedTakeThrows() throws Exception {
        GrowingBlockingQueue<String> q = new GrowingBlockingQueue<>(2, 2);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread taker = new Thread(() -> {
            try {
                q.take();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        taker.start();
        taker.interrupt();
        taker.join(20_000);
        assertTrue(thrown.get() instanceof InterruptedException, "got " + thrown.get());
    }

    /** One producer, one consumer, a million elements through a queue that grows meanwhile. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aConsumerOnAnotherThreadSeesEveryElementInOrder() throws Exception {
        GrowingBlockingQueue<Integer> q = new GrowingBlockingQueue<>(65_537, 16);
        int n = 1_000_000;
        AtomicReference<String> problem = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    Integer e = q.take();
                    if (e != i) {
                        problem.set("expected " + i + ", got " + e);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                problem.set("interrupted");
            }
        });
        consumer.start();
        for (int i = 0; i < n; i++) {
            while (!q.offer(i)) {
                Thread.onSpinWait(); // full: the consumer catches up
            }
        }
        consumer.join(50_000);
        assertFalse(consumer.isAlive(), "the consumer ended");
        assertNull(problem.get());
        assertEquals(0, q.size());
    }

    @Test
    void rejectsNullsAndNonsenseSizes() {
        assertThrows(NullPointerException.class, () -> new GrowingBlockingQueue<String>(1, 1).offer(null));
        assertThrows(IllegalArgumentException.class, () -> new GrowingBlockingQueue<String>(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new GrowingBlockingQueue<String>(4, 5));
        assertThrows(IllegalArgumentException.class, () -> new GrowingBlockingQueue<String>(4, 0));
    }
}
