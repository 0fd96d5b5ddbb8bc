package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoTimeTest {
    @Test
    void writesWhatInstantToStringWrites() {
        IsoTime t = new IsoTime();
        long[] fixed = {0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, 1795838689008L, 1795838689000L, 253402300799999L};
        for (long ms : fixed) {
            assertThat(t.text(ms)).as("%d", ms).isEqualTo(Instant.ofEpochMilli(ms).toString());
        }
        SplittableRandom r = new SplittableRandom(15);
        long ms = 1795838689000L;
        for (int i = 0; i < 100_000; i++) {
            ms += r.nextInt(-5, 1500); // mostly forward, sometimes back, across seconds
            assertThat(t.text(ms)).isEqualTo(Instant.ofEpochMilli(ms).toString());
        }
    }
}
