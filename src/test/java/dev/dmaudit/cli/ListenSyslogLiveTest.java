package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.testing.Live;
import dev.dmaudit.testing.Rsyslog;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole way: records relayed by the kernel, read by listen, sent over TLS, parsed by a real rsyslogd. */
@Timeout(120)
@Live
class ListenSyslogLiveTest {
    @Test
    void kernelRecordsReachRsyslogOverTls(@TempDir Path dir) throws Exception {
        assumeTrue(new File("/usr/bin/python3").canExecute(), "python3 sends the user messages");
        Rsyslog.assumeInstalled();
        try (Rsyslog rsyslog = Rsyslog.start(dir.resolve("rsyslog"))) {
            Path err = dir.resolve("err.txt");
            Process p = ListenLiveTest.dmaudit("listen", "--all", "--type", "SERVICE_START", "--count", "5", "--enable-audit",
                    "--timeout", "60s", "--stats", "--syslog", "tls://127.0.0.1:" + rsyslog.tls, "--syslog-ca", rsyslog.caFile().toString(),
                    "--syslog-tls-name", "localhost").redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
            ListenLiveTest.awaitListening(err);
            Thread.sleep(500);
            ListenLiveTest.sendUserMessages(8, "dmaudit-syslog-live \"q\" ]b\\");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(err)).isZero();
            assertThat(Files.readString(err)).contains("sink.syslog.delivered=5 sink.syslog.dropped=0 sink.syslog.failed=0");
            List<Map<String, Object>> got = rsyslog.await(5, Duration.ofSeconds(20));
            assertThat(got).hasSize(5);
            List<String> printed = Files.readAllLines(dir.resolve("out.txt"));
            for (int i = 0; i < 5; i++) {
                Map<String, Object> m = got.get(i);
                assertThat(m).containsEntry("msgid", "audit").containsEntry("input", "tls").containsEntry("msg", printed.get(i));
                @SuppressWarnings("unchecked")
                Map<String, Object> sd = (Map<String, Object>) ((Map<String, Object>) m.get("rfc5424-sd")).get("dmaudit@32473");
                assertThat(sd).containsEntry("kind", "audit").containsEntry("types", "SERVICE_START");
                assertThat((String) m.get("msg")).contains("dmaudit-syslog-live \"q\" ]b\\\\ " + i);
            }
        }
    }
}
