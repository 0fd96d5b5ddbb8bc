package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dmaudit.netlink.AuditStatus;
import dev.dmaudit.netlink.Capabilities;
import dev.dmaudit.netlink.DaemonSlotTakenException;
import dev.dmaudit.netlink.NetlinkException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StatusCommandTest {
    private static final AuditStatus STATUS = new AuditStatus(11, 0, 1, 1, 812, 0, 64, 3, 0, 127, 15000, 0);
    private static final DmAuditVerdict.Result ARRIVE = new DmAuditVerdict.Result(DmAuditVerdict.Outcome.WILL_ARRIVE, List.of());
    private static final DmAuditVerdict.Result AUDIT_OFF = new DmAuditVerdict.Result(DmAuditVerdict.Outcome.WILL_NOT,
            List.of("kernel auditing is off (auditctl -e 1, or listen --enable-audit)"));

    private static Map<String, Object> parse(String json) throws Exception {
        Map<String, Object> m = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            String prefix = "";
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    continue;
                }
                if (t == JsonToken.START_OBJECT) {
                    prefix = p.currentName() + ".";
                } else if (t == JsonToken.END_OBJECT) {
                    prefix = "";
                } else {
                    m.put(prefix + p.currentName(), t.isNumeric() ? (Object) p.getLongValue()
                            : t == JsonToken.VALUE_NULL ? "null" : t.isBoolean() ? (Object) p.getBooleanValue() : p.getText());
                }
            }
        }
        return m;
    }

    @Test
    void jsonCarriesEveryFieldTheKernelSent() throws Exception {
        StringWriter w = new StringWriter();
        StatusCommand.writeJson(new StatusCommand.Report(STATUS, "auditd", Capabilities.parse("2000000000"), null, ARRIVE),
                new PrintWriter(w));
        Map<String, Object> m = parse(w.toString());
        assertThat(m).containsEntry("enabled", 1L).containsEntry("dm_records_now", true).containsEntry("dm_audit_records", "will arrive").containsEntry("pid", 812L)
                .containsEntry("daemon_comm", "auditd").containsEntry("lost", 3L).containsEntry("feature_bitmap", 127L)
                .containsEntry("backlog_wait_time_actual", 0L).containsEntry("capabilities.CAP_AUDIT_READ", true)
                .containsEntry("capabilities.CAP_AUDIT_CONTROL", false).containsEntry("initial_net_namespace", "null");
        // An old kernel's short reply: the absent fields are left out, not invented.
        StringWriter old = new StringWriter();
        AuditStatus shortReply = new AuditStatus(8, 0, 0, 1, 0, 0, 64, 0, 0, 0, 0, 0);
        StatusCommand.writeJson(new StatusCommand.Report(shortReply, null, Capabilities.parse(null), true, AUDIT_OFF),
                new PrintWriter(old));
        assertThat(parse(old.toString())).doesNotContainKeys("feature_bitmap", "backlog_wait_time", "daemon_comm")
                .containsEntry("dm_records_now", false).containsEntry("dm_audit_records", "will not")
                .containsEntry("initial_net_namespace", true);
    }

    @Test
    void textSaysWhetherRecordsComeAndEscapesTheDaemonName() {
        StringWriter w = new StringWriter();
        StatusCommand.writeText(new StatusCommand.Report(STATUS.withEnabled(0), "evil\u001b[2J", Capabilities.parse("0"),
                false, AUDIT_OFF), new PrintWriter(w));
        String t = w.toString();
        assertThat(t).contains("audit:              off (enabled=0)").contains("DM audit records:   will not, because kernel auditing is off")
                .contains("pid 812 (evil\\x1b[2J)").contains("CAP_AUDIT_READ no, CAP_AUDIT_CONTROL no")
                .contains("multicast mode receives nothing here").doesNotContain("\u001b");
    }

    @Test
    void transportFailuresMapToExitCodes() {
        assertThat(NetlinkFailures.toCli(NetlinkException.forErrno("AUDIT_GET", 1, null, "CAP_AUDIT_CONTROL")).exitCode())
                .isEqualTo(ExitCodes.NO_PERMISSION);
        assertThat(NetlinkFailures.toCli(NetlinkException.forErrno("socket", 93, null, "x")).exitCode())
                .isEqualTo(ExitCodes.AUDIT_UNSUPPORTED);
        assertThat(NetlinkFailures.toCli(NetlinkException.forErrno("AUDIT_GET", 111, null, "x")).exitCode())
                .isEqualTo(ExitCodes.AUDIT_UNSUPPORTED);
        CliFailure taken = NetlinkFailures.toCli(new DaemonSlotTakenException(812, "auditd"));
        assertThat(taken.exitCode()).isEqualTo(ExitCodes.DAEMON_SLOT_TAKEN);
        assertThat(taken).hasMessageContaining("pid 812 (auditd)");
        assertThat(NetlinkFailures.toCli(NetlinkException.forErrno("recvfrom", 9, null, "x")).exitCode())
                .isEqualTo(ExitCodes.SOFTWARE);
    }

    private static String[] run(String... args) {
        CommandLine cl = Main.newCommandLine(Streams.system());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    @Tag("live")
    void liveStatusInBothFormats() throws Exception {
        assumeTrue(Capabilities.current().has(Capabilities.CAP_AUDIT_CONTROL), "needs root (CAP_AUDIT_CONTROL)");
        String[] json = run("status", "--format", "json");
        assertThat(json[0]).as(json[2]).isEqualTo("0");
        Map<String, Object> m = parse(json[1]);
        assertThat(m).containsKeys("enabled", "pid", "backlog_limit", "lost", "backlog_wait_time_actual")
                .containsEntry("capabilities.CAP_AUDIT_READ", true).containsEntry("capabilities.CAP_AUDIT_CONTROL", true);
        String[] text = run("status");
        assertThat(text[0]).isEqualTo("0");
        assertThat(text[1]).contains("audit:").contains("audit daemon:").contains("DM audit records:   ");
        // This machine's kernel may lack device-mapper: then the verdict must say so, in one line.
        boolean dm = Files.readAllLines(Path.of("/proc/devices")).stream().anyMatch(l -> l.endsWith(" device-mapper"));
        String verdict = text[1].lines().filter(l -> l.startsWith("DM audit records:")).findFirst().orElseThrow();
        if (!dm) {
            assertThat(verdict).startsWith("DM audit records:   will not, because ").contains("device-mapper");
            assertThat(m).containsEntry("dm_audit_records", "will not").containsEntry("dm_records_now", false);
        } else {
            assertThat(verdict).doesNotContain("no device-mapper", "device-mapper is not");
        }
        String[] bad = run("status", "--format", "yaml");
        assertThat(bad[0]).isEqualTo(Integer.toString(ExitCodes.USAGE));
    }
}
