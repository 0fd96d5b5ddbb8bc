package dev.dmaudit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.api.Metrics;
import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.testing.Promtool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The metrics endpoint fed the real kernel capture's events, scraped over HTTP, checked by promtool. */
@Timeout(60)
class PrometheusSinkTest {
    private static final Metrics LISTENER = new Metrics(90, 200, 1, 40, 39, 2, 0, 3, OptionalLong.of(5), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            List.of(new SinkCounters("journald", 37, 2, 1), new SinkCounters("exec", 4, 0, 0)));

    private static PrometheusSink sink(int maxDevices, Metrics m) throws Exception {
        return new PrometheusSink(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), maxDevices, "multicast",
                new PrometheusSink.Source() {
                    @Override
                    public Metrics metrics() {
                        return m;
                    }

                    @Override
                    public Boolean auditEnabled() {
                        return true;
                    }
                });
    }

    @Test
    void countsEqualTheEventsAndPromtoolAcceptsTheScrape() throws Exception {
        List<Event> events = CollectingSink.captureEvents();
        long dm = events.stream().filter(e -> e.dm() != null).count();
        long data = events.stream().filter(e -> e.dm() != null && e.dm().isData()).count();
        long failed = events.stream().filter(e -> e.dm() != null && e.dm().records().stream().anyMatch(r -> !r.success())).count();
        assertThat(dm).isPositive();
        assertThat(data).isPositive();
        PrometheusSink sink = sink(256, LISTENER);
        try {
            for (Event e : events) {
                sink.accept(e);
            }
            String text = Promtool.scrape(sink.port());
            String[] check = Promtool.check(text);
            assertThat(check[0]).as("promtool check metrics:\n%s\n%s", check[1], text).isEqualTo("0");
            assertThat(Promtool.sum(text, "dmaudit_dm_events_total", null)).isEqualTo(dm);
            assertThat(Promtool.sum(text, "dmaudit_dm_events_total", "result=\"failed\"")).isEqualTo(failed);
            assertThat(Promtool.sum(text, "dmaudit_data_failures_total", null)).isEqualTo(data);
            assertThat(Promtool.sum(text, "dmaudit_other_audit_events_total", null)).isEqualTo(events.size() - dm);
            assertThat(Promtool.sum(text, "dmaudit_label_overflow_total", null)).isZero();
            // the listener's counters, as the snapshot had them
            assertThat(Promtool.sum(text, "dmaudit_datagrams_total", null)).isEqualTo(90);
            assertThat(Promtool.sum(text, "dmaudit_dropped_total", null)).isEqualTo(2);
            assertThat(Promtool.sum(text, "dmaudit_enobufs_total", null)).isEqualTo(3);
            assertThat(Promtool.sum(text, "dmaudit_kernel_lost_total", null)).isEqualTo(5);
            assertThat(Promtool.sum(text, "dmaudit_sink_dropped_total", "sink=\"journald\"")).isEqualTo(2);
            assertThat(Promtool.sum(text, "dmaudit_sink_failed_total", "sink=\"journald\"")).isEqualTo(1);
            assertThat(Promtool.sum(text, "dmaudit_audit_enabled", null)).isEqualTo(1);
            assertThat(Promtool.sum(text, "dmaudit_mode", "mode=\"multicast\"")).isEqualTo(1);
            assertThat(text).containsPattern("(?m)^dmaudit_last_event_timestamp_seconds\\{device=\"254:0\",name=\"\"\\} 1\\.79583\\d+E9$");
        } finally {
            sink.close();
        }
        assertThat(sink.counters().delivered()).isEqualTo(events.size());
    }

    @Test
    void devicesPastTheCapShareOneSeriesAndAreCounted() throws Exception {
        Event data = CollectingSink.captureEvents().stream().filter(e -> e.dm() != null && e.dm().isData()).findFirst().orElseThrow();
        PrometheusSink sink = sink(2, null);
        try {
            for (int i = 0; i < 5; i++) {
                sink.accept(data.withDm(data.dm().withDeviceName("vol" + i)));
            }
            String text = Promtool.scrape(sink.port());
            assertThat(Promtool.check(text)[0]).isEqualTo("0");
            assertThat(Promtool.sum(text, "dmaudit_data_failures_total", null)).isEqualTo(5);
            assertThat(Promtool.sum(text, "dmaudit_data_failures_total", "device=\"other\",name=\"other\"")).isEqualTo(3);
            assertThat(Promtool.sum(text, "dmaudit_label_overflow_total", "label=\"device\"")).isEqualTo(3);
            assertThat(text).doesNotContain("dmaudit_datagrams_total"); // no listener yet: left out, not 0
        } finally {
            sink.close();
        }
    }
}
