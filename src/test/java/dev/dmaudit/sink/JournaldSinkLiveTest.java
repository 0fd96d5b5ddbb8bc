package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.Event;
import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.JournalSocket;
import dev.dmaudit.testing.RealJournald;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journald sink against a real systemd-journald ({@link RealJournald}): the real kernel
 * capture's events, one with a newline in a value (the binary-safe field form) and one too large
 * for a datagram (the sealed memfd), read back with journalctl.
 */
@Timeout(120)
class JournaldSinkLiveTest {
    @TempDir
    Path dir;


    @Test
    void everyEventIsOneEntryWithItsFieldsIncludingBinarySafeAndMemfdOnes() throws Exception {
        List<Event> events = new ArrayList<>(CollectingSink.captureEvents());
        Event data = events.stream().filter(e -> e.dm() != null && e.dm().isData()).findFirst().orElseThrow();
        String withNewline = "line one\nline two";
        events.add(data.withDm(data.dm().withDeviceName(withNewline)));
        String huge = "x".repeat(600_000); // three times the default socket send buffer: only a memfd takes it
        events.add(data.withDm(data.dm().withDeviceName(huge)));
        try (RealJournald journald = RealJournald.start(dir)) {
            JournaldSink journal = new JournaldSink(new JournalSocket(DirectLibC.get(), journald.socket()));
            QueuedSink sink = new QueuedSink("journald", journal, 1024, Duration.ofSeconds(30));
            for (Event e : events) {
                sink.accept(e);
            }
            sink.close();
            assertThat(sink.counters()).isEqualTo(new dev.dmaudit.event.SinkCounters("journald", events.size(), 0, 0));
            assertThat(journal.sentViaMemfd()).isEqualTo(1);

            List<Map<String, String>> entries = journald.entries(events.size(), "SYSLOG_IDENTIFIER=dmaudit");
            assertThat(entries).as(journald.output()).hasSize(events.size());
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                Map<String, String> got = entries.get(i);
                Map<String, String> want = sentFields(e);
                assertThat(got).as("entry %d", i).containsAllEntriesOf(want);
                assertThat(got.get("MESSAGE")).isEqualTo(TextEventWriter.line(e));
                assertThat(got.get("DMAUDIT_SERIAL")).isEqualTo(Long.toString(e.audit().serial()));
            }
            assertThat(entries.get(events.size() - 2).get("DMAUDIT_DEVICE_NAME")).isEqualTo(withNewline);
            assertThat(entries.get(events.size() - 1).get("DMAUDIT_DEVICE_NAME")).isEqualTo(huge);

            // journalctl MESSAGE_ID=… finds exactly the events of that kind
            long dataEvents = events.stream().filter(e -> e.dm() != null && e.dm().isData()).count();
            assertThat(journald.entries((int) dataEvents, "MESSAGE_ID=" + JournaldSink.ID_DATA)).hasSize((int) dataEvents);
            long controls = events.stream().filter(e -> JournaldSink.ID_CONTROL.equals(JournaldSink.messageId(e))).count();
            assertThat(controls).isPositive();
            assertThat(journald.entries((int) controls, "MESSAGE_ID=" + JournaldSink.ID_CONTROL)).hasSize((int) controls);
        }
    }

    /** What the sink sends for an event, decoded back from its own native-format bytes. */
    private static Map<String, String> sentFields(Event e) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JournaldSink.encode(e, b);
        byte[] a = b.toByteArray();
        Map<String, String> m = new HashMap<>();
        int i = 0;
        while (i < a.length) {
            int nl = i;
            while (a[nl] != '\n' && a[nl] != '=') {
                nl++;
            }
            String name = new String(a, i, nl - i, StandardCharsets.US_ASCII);
            if (a[nl] == '=') {
                int end = nl;
                while (a[end] != '\n') {
                    end++;
                }
                m.put(name, new String(a, nl + 1, end - nl - 1, StandardCharsets.UTF_8));
                i = end + 1;
            } else {
                long len = 0;
                for (int k = 7; k >= 0; k--) {
                    len = (len << 8) | (a[nl + 1 + k] & 0xff);
                }
                m.put(name, new String(a, nl + 9, (int) len, StandardCharsets.UTF_8));
                i = nl + 9 + (int) len + 1;
            }
        }
        return m;
    }
}
