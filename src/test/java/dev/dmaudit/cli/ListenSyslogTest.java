package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.testing.Rsyslog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** listen --syslog over the replayed kernel capture, into a real rsyslogd; and its bad options. */
@Timeout(120)
class ListenSyslogTest {
    private ListenCommand.ListenerFactory saved;

    @TempDir
    Path dir;

    @BeforeEach
    void replay() {
        saved = ListenCommand.factory;
        ListenCommand.factory = b -> b.source(new ListenCommandTest.Replay("multicast")).resolveDeviceNames(false).build();
    }

    @AfterEach
    void restore() {
        ListenCommand.factory = saved;
    }

    private static List<String> jsonSerials(String jsonLines) {
        Matcher m = Pattern.compile("^\\{\"serial\":(\\d+)", Pattern.MULTILINE).matcher(jsonLines);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> syslogSerials(List<Map<String, Object>> messages) {
        return messages.stream().map(m -> (String) ((Map<String, Object>) ((Map<String, Object>) m.get("rfc5424-sd"))
                .get("dmaudit@32473")).get("serial")).toList();
    }

    @Test
    void everyEventListenPrintsReachesRsyslogOverTcpAndTls() throws IOException {
        Rsyslog.assumeInstalled();
        try (Rsyslog rsyslog = Rsyslog.start(dir.resolve("rsyslog"))) {
            Path out = dir.resolve("events.jsonl");
            CliRun r = CliRun.run("listen", "--format", "json", "--timeout", "2s", "--stats", "--output", out.toString(),
                    "--syslog", "tcp://127.0.0.1:" + rsyslog.tcp, "--syslog-facility", "local3");
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<String> printed = jsonSerials(Files.readString(out));
            assertThat(printed).isNotEmpty();
            List<Map<String, Object>> got = rsyslog.await(printed.size(), Duration.ofSeconds(20));
            assertThat(syslogSerials(got)).isEqualTo(printed);
            assertThat(got).allSatisfy(m -> assertThat(m).containsEntry("facility", "19").containsEntry("app", "dmaudit"));
            assertThat(r.err()).contains("sink.syslog.delivered=" + printed.size() + " sink.syslog.dropped=0 sink.syslog.failed=0");

            CliRun tls = CliRun.run("listen", "--format", "json", "--timeout", "2s", "--stats", "--output", dir.resolve("2.jsonl").toString(),
                    "--syslog", "tls://127.0.0.1:" + rsyslog.tlsClientAuth, "--syslog-ca", rsyslog.caFile().toString(),
                    "--syslog-tls-name", "localhost", "--syslog-cert", rsyslog.clientCert().toString(),
                    "--syslog-key", rsyslog.clientKey().toString());
            assertThat(tls.exitCode()).as(tls.err()).isZero();
            got = rsyslog.await(2 * printed.size(), Duration.ofSeconds(20));
            assertThat(syslogSerials(got.subList(printed.size(), got.size()))).isEqualTo(printed);
            assertThat(got.subList(printed.size(), got.size())).allSatisfy(m -> assertThat(m).containsEntry("input", "tls-client-auth"));
        }
    }

    private static void oneLine(CliRun r, int exit, String text) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(exit);
        assertThat(r.err()).contains(text);
        assertThat(r.err().lines().filter(l -> l.startsWith("dmaudit:")).count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aMalformedUrlOrABadValueIsAUsageError() {
        oneLine(CliRun.run("listen", "--syslog", "127.0.0.1:514"), 2, "expected udp://HOST:PORT");
        oneLine(CliRun.run("listen", "--syslog", "tcp://logs.example.org"), 2, "a port 1-65535");
        oneLine(CliRun.run("listen", "--syslog", "http://logs.example.org:80"), 2, "unknown scheme 'http'");
        oneLine(CliRun.run("listen", "--syslog", "tcp://h:514", "--syslog-facility", "daemons"), 2, "unknown facility 'daemons'");
        oneLine(CliRun.run("listen", "--syslog", "tcp://h:514", "--syslog-sd-id", "dmaudit"), 2, "NAME@ENTERPRISE-NUMBER");
        oneLine(CliRun.run("listen", "--syslog", "tcp://h:514", "--syslog-ca", "/etc/hostname"), 2, "are for tls://");
        oneLine(CliRun.run("listen", "--syslog", "tls://h:6514", "--syslog-cert", "/etc/hostname"), 2, "go together");
        oneLine(CliRun.run("listen", "--syslog-ca", "/etc/hostname"), 2, "need --syslog tls://");
        oneLine(CliRun.run("listen", "--syslog", "udp://h:514", "--syslog-max-size", "100"), 2, "--syslog-max-size");
    }

    @Test
    void aCertificateOrKeyThatCannotBeReadExitsThree() throws IOException {
        oneLine(CliRun.run("listen", "--syslog", "tls://h:6514", "--syslog-ca", dir.resolve("missing.pem").toString()), 3,
                "missing.pem: cannot read it (no such file)");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello\n");
        oneLine(CliRun.run("listen", "--syslog", "tls://h:6514", "--syslog-ca", notPem.toString()), 3, "ca.pem: ");
        Path rsaOld = Files.writeString(dir.resolve("old.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Rsyslog.assumeInstalled(); // openssl for a real certificate to pair the key with
        try (Rsyslog rsyslog = Rsyslog.start(dir.resolve("rsyslog"))) {
            oneLine(CliRun.run("listen", "--syslog", "tls://h:6514", "--syslog-cert", rsyslog.clientCert().toString(),
                    "--syslog-key", rsaOld.toString()), 3, "old.key: not PKCS#8; convert it with openssl pkcs8 -topk8 -nocrypt");
        }
    }
}
