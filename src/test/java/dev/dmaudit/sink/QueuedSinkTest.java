package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class QueuedSinkTest {
    /** Records what it was given, on which thread; can be held inside accept. */
    static final class Recording implements Sink {
        final List<Long> serials = new CopyOnWriteArrayList<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch hold;
        volatile long failAtSerial = -1;
        volatile boolean closed;

        @Override
        public void accept(Event event) throws IOException {
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (event.audit().serial() == failAtSerial) {
                throw new IOException("collector refused");
            }
            serials.add(event.audit().serial());
            calls.add("accept@" + Thread.currentThread().getName());
        }

        @Override
        public void endOfBurst() {
            calls.add("endOfBurst");
        }

        @Override
        public void close() {
            closed = true;
            calls.add("close@" + Thread.currentThread().getName());
        }
    }

    private static Event event(long serial) {
        return ExecSinkTest.event(serial, "254:0", "integrity-checksum", 0);
    }

    @Test
    void deliversInOrderOnItsOwnThreadAndEndsBurstsWhenTheQueueRunsEmpty() throws Exception {
        Recording inner = new Recording();
        QueuedSink q = new QueuedSink("journald", inner, 100, Duration.ofSeconds(10));
        for (long s = 1; s <= 50; s++) {
            q.accept(event(s));
        }
        q.close();
        assertThat(inner.serials).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(inner.calls).allMatch(c -> !c.startsWith("accept@") || c.equals("accept@dmaudit-sink-journald"));
        assertThat(inner.calls).contains("endOfBurst");
        assertThat(inner.calls.get(inner.calls.size() - 1)).isEqualTo("close@dmaudit-sink-journald");
        assertThat(q.counters()).isEqualTo(new SinkCounters("journald", 50, 0, 0));
    }

    @Test
    void aBlockedDestinationNeverBlocksTheCallerAndEveryDropIsCounted() throws Exception {
        Recording inner = new Recording();
        inner.hold = new CountDownLatch(1);
        QueuedSink q = new QueuedSink("syslog", inner, 3, Duration.ofSeconds(10));
        q.accept(event(1));
        assertThat(inner.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the worker holds event 1
        for (long s = 2; s <= 10; s++) {
            q.accept(event(s)); // returns at once although the destination is stuck
        }
        assertThat(q.queued()).isEqualTo(3);
        assertThat(q.counters().dropped()).isEqualTo(6);
        inner.hold.countDown();
        q.close();
        assertThat(inner.serials).containsExactly(1L, 2L, 3L, 4L);
        assertThat(q.counters()).isEqualTo(new SinkCounters("syslog", 4, 6, 0));
    }

    @Test
    void aFailedDestinationIsReportedToTheCallerAndItsEventsCountAsFailed() throws Exception {
        Recording inner = new Recording();
        inner.failAtSerial = 2;
        QueuedSink q = new QueuedSink("history", inner, 100, Duration.ofSeconds(10));
        q.accept(event(1));
        q.accept(event(2));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException seen = null;
        long s = 3;
        while (seen == null && System.nanoTime() < deadline) {
            try {
                q.accept(event(s++));
                Thread.sleep(5);
            } catch (IOException e) {
                seen = e;
            }
        }
        assertThat(seen).hasMessage("collector refused");
        assertThatThrownBy(q::close).hasMessage("collector refused");
        SinkCounters c = q.counters();
        assertThat(c.delivered()).isEqualTo(1);
        // every event handed over after the first is failed: none is unaccounted for
        assertThat(c.delivered() + c.dropped() + c.failed()).isEqualTo(s - 1);
        assertThat(inner.closed).isTrue();
    }

    @Test
    void closeGivesUpOnAStuckDestinationAfterTheGraceAndCountsWhatWasQueued() throws Exception {
        Recording inner = new Recording();
        inner.hold = new CountDownLatch(1); // never released
        QueuedSink q = new QueuedSink("kafka", inner, 10, Duration.ofMillis(100));
        q.accept(event(1));
        assertThat(inner.entered.await(10, TimeUnit.SECONDS)).isTrue();
        q.accept(event(2));
        q.accept(event(3));
        q.close();
        assertThat(q.counters().dropped()).isEqualTo(2);
        assertThat(inner.closed).isFalse(); // still inside accept: never called from a second thread
        inner.hold.countDown();
    }

    @Test
    void unusedItStartsNoThreadAndClosesTheDestinationAtOnce() throws Exception {
        Recording inner = new Recording();
        QueuedSink q = new QueuedSink("metrics", inner, 1, Duration.ZERO);
        q.close();
        assertThat(inner.calls).containsExactly("close@" + Thread.currentThread().getName());
        assertThat(q.counters()).isEqualTo(new SinkCounters("metrics", 0, 0, 0));
    }
}
