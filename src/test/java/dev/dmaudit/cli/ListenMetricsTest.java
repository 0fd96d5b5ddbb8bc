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
        int port = freePort();
        Path out = dir.resolve("events.txt");
        AtomicReference<CliRun> result = new AtomicReference<>();
        Thread listen = new Thread(() -> result.set(CliRun.run("listen", "--timeout", "4s", "--output", out.toString(),
                "--metrics", "127.0.0.1:" + port)));
        listen.start();
        String last = null;
        while (listen.isAlive()) { // the replay is delivered at once; the last scrape before the end sees it all
            try {
                last = Promtool.scrape(port);
            } catch (java.io.IOException notYetOrGone) {
                // the server is not up yet, or already closed
            }
            listen.join(200);
        }
        assertThat(result.get().exitCode()).as(result.get().err()).isZero();
        List<String> printed = Files.readAllLines(out);
        assertThat(printed).isNotEmpty();
        assertThat(last).isNotNull();
        String[] check = Promtool.check(last);
        assertThat(check[0]).as("promtool check metrics:\n%s\n%s", check[1], last).isEqualTo("0");
        assertThat(Promtool.sum(last, "dmaudit_dm_events_total", null)).isEqualTo(printed.size());
        assertThat(Promtool.sum(last, "dmaudit_delivered_total", null)).isEqualTo(printed.size());
        assertThat(Promtool.sum(last, "dmaudit_sink_delivered_total", "sink=\"metrics\"")).isEqualTo(printed.size());
        assertThat(Promtool.sum(last, "dmaudit_mode", "mode=\"multicast\"")).isEqualTo(1);
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
