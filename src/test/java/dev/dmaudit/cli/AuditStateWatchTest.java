package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.api.Metrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class AuditStateWatchTest {
    private final DmAuditListener listener = mock(DmAuditListener.class);
    private final StringWriter out = new StringWriter();

    private static Metrics enobufs(long n) {
        return new Metrics(0, 0, 0, 0, 0, 0, 0, n, java.util.OptionalLong.empty(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, java.util.List.of());
    }

    private AuditStateWatch watch() {
        return new AuditStateWatch(listener, new PrintWriter(out, true));
    }

    @Test
    void saysWhenAuditingIsSwitchedOffAndOnAgainOnceEach() {
        when(listener.metrics()).thenReturn(enobufs(0));
        when(listener.auditEnabled()).thenReturn(true, true, false, false, true);
        AuditStateWatch w = watch(); // start: enabled
        assertThat(w.check()).as("enabled: nothing").isFalse();
        assertThat(w.check()).as("off").isTrue();
        assertThat(w.check()).as("still off: nothing new").isFalse();
        assertThat(w.check()).as("on again").isTrue();
        assertThat(out.toString().lines().toList()).containsExactly(
                "dmaudit: kernel auditing was disabled: no DM records will come until it is enabled (auditctl -e 1); still listening",
                "dmaudit: kernel auditing was enabled again: DM records come again");
    }

    @Test
    void reportsEachGrowthOfEnobufsWithTheTotal() {
        when(listener.auditEnabled()).thenReturn(true);
        when(listener.metrics()).thenReturn(enobufs(0), enobufs(1), enobufs(1), enobufs(3));
        AuditStateWatch w = watch();
        boolean[] reported = new boolean[4];
        for (int i = 0; i < 4; i++) {
            reported[i] = w.check();
        }
        assertThat(reported).containsExactly(false, true, false, true);
        assertThat(out.toString().lines().toList()).containsExactly(
                "dmaudit: the kernel could not queue records for us (ENOBUFS, 1 so far): records were lost; raise --receive-buffer",
                "dmaudit: the kernel could not queue records for us (ENOBUFS, 3 so far): records were lost; raise --receive-buffer");
    }

    @Test
    void anUnreadableStatusIsNotGuessedAt() {
        when(listener.metrics()).thenReturn(enobufs(0));
        when(listener.auditEnabled()).thenReturn(true).thenThrow(new IllegalStateException("AUDIT_GET timed out"))
                .thenReturn(null);
        AuditStateWatch w = watch();
        assertThat(w.check()).isFalse();
        assertThat(w.check()).isFalse();
        assertThat(out.toString()).isEmpty();
    }
}
