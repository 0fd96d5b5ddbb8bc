package dev.dmaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dmaudit.sink.OutputFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OutputWarmupTest {
    /** Every synthetic line decodes (a malformed one throws) and the user's filter decides what is encoded. */
    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void encodesWhatTheListenersFilterPassesInEveryFormat(OutputFormat format) {
        EventOptions dmOnly = new EventOptions();
        dmOnly.format = format;
        assertEquals(500 + controls(500), OutputWarmup.run(dmOnly, 500), "a DM data event per round, a control event every 8th");

        EventOptions all = new EventOptions();
        all.format = format;
        all.all = true;
        assertEquals(2 * 500 + controls(500), OutputWarmup.run(all, 500), "and the SERVICE_START message with --all");

        EventOptions serviceStart = new EventOptions();
        serviceStart.format = format;
        serviceStart.all = true;
        serviceStart.types = List.of("SERVICE_START");
        assertEquals(500, OutputWarmup.run(serviceStart, 500), "only SERVICE_START with --all --type SERVICE_START");
    }

    /** Rounds beyond 1,000 cross a second of the log's clock: grouping must not merge or lose events there. */
    @ParameterizedTest
    @EnumSource(value = OutputFormat.class, names = "JSON")
    void manyRoundsKeepEveryEvent(OutputFormat format) {
        EventOptions all = new EventOptions();
        all.format = format;
        all.all = true;
        assertEquals(2 * 2_504 + controls(2_504), OutputWarmup.run(all, 2_504));
    }

    /** Rounds 0, 8, 16, … carry a control event. */
    private static int controls(int rounds) {
        return (rounds + OutputWarmup.Lines.CONTROL_EVERY - 1) / OutputWarmup.Lines.CONTROL_EVERY;
    }
}
