package dev.dmaudit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ListenerClockTest {
    private final AtomicLong wall = new AtomicLong(1_795_838_689_000L);
    private final AtomicLong mono = new AtomicLong(5_000_000_000L);
    private final ListenerClock clock = new ListenerClock(wall::get, mono::get);

    private void elapse(long millis) {
        wall.addAndGet(millis);
        mono.addAndGet(millis * 1_000_000L);
    }

    @Test
    void wallTimeWhenNothingIsPending() {
        elapse(1_234);
        assertThat(clock.now(true)).isEqualTo(wall.get());
        wall.addAndGet(-3_600_000); // stepped back: with nothing pending, that is the time now
        assertThat(clock.now(true)).isEqualTo(wall.get());
    }

    @Test
    void whilePendingAStepOfTheWallClockIsNotSeen() {
        long t0 = clock.now(true);
        elapse(100);
        wall.addAndGet(-3_600_000); // backwards by an hour while an event is open
        elapse(250);
        assertThat(clock.now(false)).isEqualTo(t0 + 350);
        wall.addAndGet(7_200_000); // and forwards by two
        elapse(50);
        assertThat(clock.now(false)).isEqualTo(t0 + 400);
        assertThat(clock.now(true)).as("taken up once nothing is pending").isEqualTo(wall.get()).isEqualTo(t0 + 400 + 3_600_000);
    }
}
