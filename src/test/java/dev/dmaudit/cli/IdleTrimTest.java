package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleTrimTest {
    private final AtomicLong datagrams = new AtomicLong(7);
    private final AtomicLong resident = new AtomicLong(10_000);
    private final AtomicInteger trims = new AtomicInteger();

    @Test
    void trimsOnAQuietTickAfterGrowthOnly() {
        IdleTrim t = new IdleTrim(datagrams::get, resident::get, () -> {
            trims.incrementAndGet();
            resident.addAndGet(-3000); // what the trim gave back
        });
        assertThat(t.tick()).as("quiet").isFalse(); // the first quiet tick: the warm-up's compilations may have left pages
        assertThat(trims).hasValue(1);
        t.tick(); // quiet, nothing grew: no trim
        assertThat(trims).hasValue(1);
        datagrams.addAndGet(1000);
        resident.addAndGet(IdleTrim.GROWTH_PAGES * 4);
        assertThat(t.tick()).as("datagrams came").isTrue(); // a burst: no trim while it lasts
        assertThat(trims).hasValue(1);
        t.tick(); // quiet again after growth
        assertThat(trims).hasValue(2);
        resident.addAndGet(IdleTrim.GROWTH_PAGES - 1);
        t.tick(); // grown by less than the threshold
        assertThat(trims).hasValue(2);
    }

    @Test
    void anUnknownResidentSetTrimsOnEveryQuietTick() {
        IdleTrim t = new IdleTrim(datagrams::get, () -> -1, trims::incrementAndGet);
        t.tick();
        t.tick();
        datagrams.incrementAndGet();
        t.tick();
        assertThat(trims).hasValue(2);
    }
}
