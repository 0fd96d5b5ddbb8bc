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

    @Test
    void computesEveryDateAsInstantDoes() {
        IsoTime t = new IsoTime();
        // the edges of the computed range (years 0 and 9999) and of the years beside them (signed, five digits)
        long[] edges = {-62167219200000L, -62167219200001L, -62167219199999L, 253402300800000L, 253402300799999L,
            951782400000L, 951868800000L, 4107542400000L, -2203977600000L}; // 2000-02-29, 2000-03-01, 2100-03-01, 1900-02-28
        for (long ms : edges) {
            assertThat(t.text(ms)).as("%d", ms).isEqualTo(Instant.ofEpochMilli(ms).toString());
        }
        SplittableRandom r = new SplittableRandom(1512);
        for (int i = 0; i < 200_000; i++) {
            long ms = r.nextLong(-70_000_000_000_000L, 300_000_000_000_000L); // years -250 to 11476: a new second every time
            assertThat(t.text(ms)).as("%d", ms).isEqualTo(Instant.ofEpochMilli(ms).toString());
        }
        long day = 0; // every day of 1900..2200, at a second before midnight
        for (long d = -25567; d < 84006; d++) {
            day = d * 86_400_000L + 86_399_000L;
            assertThat(t.text(day)).isEqualTo(Instant.ofEpochMilli(day).toString());
        }
    }
}
