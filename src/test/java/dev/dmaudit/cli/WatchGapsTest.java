package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The gaps between listen's checks: doubling while quiet up to the maximum, the base again on activity. */
class WatchGapsTest {
    @Test
    void quietChecksDoubleTheGapUpToTheMaximumAndActivityResetsIt() {
        WatchGaps g = new WatchGaps(5, 60);
        assertThat(g.first()).isEqualTo(5);
        assertThat(new long[] {g.after(false), g.after(false), g.after(false), g.after(false), g.after(false)})
                .containsExactly(10, 20, 40, 60, 60);
        assertThat(g.after(true)).isEqualTo(5);
        assertThat(g.after(false)).isEqualTo(10);
        assertThat(g.after(true)).isEqualTo(5);
        assertThat(g.after(true)).isEqualTo(5);
    }

    @Test
    void aMaximumEqualToTheBaseKeepsTheGapFixed() {
        WatchGaps g = new WatchGaps(7, 7);
        assertThat(g.after(false)).isEqualTo(7);
        assertThat(g.after(true)).isEqualTo(7);
    }

    @Test
    void nonsenseGapsAreRefused() {
        assertThatThrownBy(() -> new WatchGaps(0, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WatchGaps(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
