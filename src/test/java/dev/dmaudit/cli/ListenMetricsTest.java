package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.testing.Promtool;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** listen --metrics over the replayed kernel capture: scraped while it runs, checked by promtool. */
@ExtendWith(ReplayedCapture.class)
@Timeout(60)
class ListenMetricsTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aScrapeDuringTheRunCountsEveryPrintedEventAndPassesPromtool() throws Exception {
        long expected = dev.dmaudit.event.CollectingSink.captureEvents().stream().filter(e -> e.dm() != null).count();
        int port = freePort();
        Path out = dir.resolve("events.txt");
        AtomicReference<CliRun> result = new AtomicReference<>();
        // The replay is delivered at once; the run lasts long enough for a scrape to see all of it.
        Thread listen = new Thread(() -> result.set(CliRun.run("listen", "--timeout", "10s", "--output", out.toString(),
                "--metrics", "127.0.0.1:" + port)));
        listen.start();
        String seen = null;
        while (listen.isAlive()) {
            try {
                String body = Promtool.scrape(port);
                if (Promtool.sum(body, "dmaudit_dm_events_total", null) == expected) {
                    seen = body;
                    break;
                }
            } catch (java.io.IOException notYetUp) {
                // the server is not up yet
            }
            Thread.sleep(100);
        }
        listen.join();
        assertThat(result.get().exitCode()).as(result.get().err()).isZero();
        List<String> printed = Files.readAllLines(out);
        assertThat(printed).hasSize((int) expected);
        assertThat(seen).as("no scrape during the run counted all %d events", expected).isNotNull();
        String[] check = Promtool.check(seen);
        assertThat(check[0]).as("promtool check metrics:\n%s\n%s", check[1], seen).isEqualTo("0");
        assertThat(Promtool.sum(seen, "dmaudit_delivered_total", null)).isEqualTo(printed.size());
        assertThat(Promtool.sum(seen, "dmaudit_sink_delivered_total", "sink=\"metrics\"")).isEqualTo(printed.size());
        assertThat(Promtool.sum(seen, "dmaudit_sink_delivered_total", "sink=\"output\"")).isEqualTo(printed.size());
        assertThat(Promtool.sum(seen, "dmaudit_mode", "mode=\"multicast\"")).isEqualTo(1);
    }

    @Test
    void withAHistoryTheUnacknowledgedFailuresAreAGaugeAndAckClearsThem() throws Exception {
        long failures = dev.dmaudit.event.CollectingSink.captureEvents().stream()
                .filter(e -> e.dm() != null && e.dm().isData()).mapToLong(e -> e.dm().records().size()).sum();
        assertThat(failures).as("the capture has data failures").isPositive();
        Path db = dir.resolve("h/history.db");
        // a first run fills the history; the second serves the metrics over it
        CliRun first = CliRun.run("listen", "--timeout", "3s", "--output", dir.resolve("1.txt").toString(), "--history", db.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(unacknowledgedSeenByAListen(db)).isEqualTo(2 * failures); // its own replay adds them again
        CliRun ack = CliRun.run("ack", "--all", "--history", db.toString());
        assertThat(ack.exitCode()).as(ack.err()).isZero();
        assertThat(unacknowledgedSeenByAListen(db)).isEqualTo(failures);
    }

    /** Runs listen --history --metrics over the replay and scrapes until its own events are stored. */
    private double unacknowledgedSeenByAListen(Path db) throws Exception {
        int port = freePort();
        AtomicReference<CliRun> result = new AtomicReference<>();
        Thread listen = new Thread(() -> result.set(CliRun.run("listen", "--timeout", "8s", "--output",
                dir.resolve("2.txt").toString(), "--history", db.toString(), "--metrics", "127.0.0.1:" + port)));
        listen.start();
        String last = null;
        long expected = dev.dmaudit.event.CollectingSink.captureEvents().stream().filter(e -> e.dm() != null).count();
        while (listen.isAlive()) {
            try {
                String body = Promtool.scrape(port);
                if (Promtool.sum(body, "dmaudit_sink_delivered_total", "sink=\"output\"") == expected) {
                    last = body; // the history commits before the output shows: all stored
                    break;
                }
            } catch (java.io.IOException notYetUp) {
                // the server is not up yet
            }
            Thread.sleep(100);
        }
        listen.join();
        assertThat(result.get().exitCode()).as(result.get().err()).isZero();
        assertThat(last).as("no scrape saw the run's events").isNotNull();
        String[] check = Promtool.check(last);
        assertThat(check[0]).as("promtool check metrics:\n%s\n%s", check[1], last).isEqualTo("0");
        return Promtool.sum(last, "dmaudit_unacknowledged_failures", null);
    }

    @Test
    void aBadAddressIsAUsageErrorAndATakenPortExitsEleven() throws Exception {
        for (String bad : List.of("9464", "127.0.0.1", "127.0.0.1:x", "127.0.0.1:70000", "::1:9464", "example.org:9464")) {
            CliRun r = CliRun.run("listen", "--timeout", "1s", "--metrics", bad);
            assertThat(r.exitCode()).as(bad + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("--metrics");
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.run("listen", "--timeout", "1s", "--metrics", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OUTPUT_ERROR);
            assertThat(r.err().strip()).doesNotContain("\n")
                    .startsWith("dmaudit: cannot serve --metrics on 127.0.0.1:" + taken.getLocalPort() + ": ");
        }
    }
}
