package dev.dmaudit.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reader's direct delivery gives up only on a sink slow SLOW_LIMIT times in a row, not on slow moments. */
class DeliveryTest {
    /** Far above any scheduling hiccup of a no-op sink, far below the sleep of a slow one. */
    private static final long SLOW = TimeUnit.MILLISECONDS.toNanos(40);
    private final List<Boolean> slowness = new ArrayList<>();
    private final Sink sink = e -> {
        if (slowness.remove(0)) {
            sleep(SLOW * 2);
        }
    };
    private final Delivery delivery = new Delivery(new EventQueue(16), Sinks.of(List.of(sink)), e -> { }, SLOW);

    @Test
    void slowMomentsBetweenFastDeliveriesKeepTheDirectPath() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < Delivery.SLOW_LIMIT - 1; i++) {
                assertThat(deliver(true)).as("slow delivery %d of round %d", i, round).isTrue();
            }
            assertThat(deliver(false)).as("a fast one resets the count").isTrue();
        }
        assertThat(deliver(false)).isTrue();
    }

    @Test
    void aSinkSlowEveryTimeIsLeftToTheDeliveryThread() {
        for (int i = 0; i < Delivery.SLOW_LIMIT; i++) {
            assertThat(deliver(true)).isTrue();
        }
        assertThat(delivery.tryDeliver(List.of(event()), 0)).as("from now on: the delivery thread").isFalse();
    }

    private boolean deliver(boolean slow) {
        slowness.add(slow);
        return delivery.tryDeliver(List.of(event()), 0);
    }

    private static Event event() {
        return Event.of(new AuditEvent(1, 0, List.of(), AuditEvent.Completion.STANDALONE), null);
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
