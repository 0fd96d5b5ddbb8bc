package dev.dmaudit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A kernel lost count that cannot be read is unknown, never 0 (a CAP_AUDIT_READ-only service). */
class MetricsTest {
    private static Metrics lost(OptionalLong delta) {
        return new Metrics(0, 0, 0, 0, 0, 0, 0, 0, delta, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, java.util.List.of());
    }

    @Test
    void anUnreadableLostCountIsUnknownNotZero() {
        assertThat(lost(OptionalLong.empty()).kernelLostDeltaText()).isEqualTo("unknown");
        assertThat(lost(OptionalLong.of(0)).kernelLostDeltaText()).isEqualTo("0");
        assertThat(lost(OptionalLong.of(413)).kernelLostDeltaText()).isEqualTo("413");
    }

    @Test
    void aSourceThatCannotTellSaysUnknown() {
        RecordSource s = new RecordSource() {
            @Override
            public int receive(byte[] buf, int timeoutMillis) {
                return -1;
            }

            @Override
            public void close() {
            }
        };
        assertThat(s.kernelLostDelta()).isEmpty();
        DmAuditListener l = DmAuditListener.builder().source(s).resolveDeviceNames(false).build();
        assertThat(l.metrics().kernelLostDelta()).isEmpty();
        assertThat(l.metrics().kernelLostDeltaText()).isEqualTo("unknown");
        l.close();
    }
}
