package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dmaudit.api.DmAuditException;
import dev.dmaudit.api.KernelAudit;
import dev.dmaudit.testing.Live;
import java.util.OptionalLong;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StatusCommandTest {
    private static final KernelAudit.Status STATUS = status(1, "auditd", OptionalLong.of(127), true, false, null);

    private static KernelAudit.Status status(int enabled, String comm, OptionalLong bitmap, Boolean read, Boolean control,
                                             Boolean initialNs) {
        return new KernelAudit.Status(enabled, 1, 812, comm, 0, 64, 3, 0, bitmap,
                bitmap.isPresent() ? OptionalLong.of(15000) : OptionalLong.empty(),
                bitmap.isPresent() ? OptionalLong.of(0) : OptionalLong.empty(), read, control, initialNs);
    }
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
        StatusCommand.writeJson(new StatusCommand.Report(STATUS, ARRIVE), new PrintWriter(w));
        Map<String, Object> m = parse(w.toString());
        assertThat(m).containsEntry("enabled", 1L).containsEntry("dm_records_now", true).containsEntry("dm_audit_records", "will arrive").containsEntry("pid", 812L)
                .containsEntry("daemon_comm", "auditd").containsEntry("lost", 3L).containsEntry("feature_bitmap", 127L)
                .containsEntry("backlog_wait_time_actual", 0L).containsEntry("capabilities.CAP_AUDIT_READ", true)
                .containsEntry("capabilities.CAP_AUDIT_CONTROL", false).containsEntry("initial_net_namespace", "null");
        // An old kernel's short reply: the absent fields are left out, not invented.
        StringWriter old = new StringWriter();
        KernelAudit.Status shortReply = new KernelAudit.Status(0, 1, 0, null, 0, 64, 0, 0, OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), null, null, true);
        StatusCommand.writeJson(new StatusCommand.Report(shortReply, AUDIT_OFF), new PrintWriter(old));
        assertThat(parse(old.toString())).doesNotContainKeys("feature_bitmap", "backlog_wait_time", "daemon_comm")
                .containsEntry("dm_records_now", false).containsEntry("dm_audit_records", "will not")
                .containsEntry("initial_net_namespace", true);
    }

    @Test
    void textSaysWhetherRecordsComeAndEscapesTheDaemonName() {
        StringWriter w = new StringWriter();
        StatusCommand.writeText(new StatusCommand.Report(status(0, "evil\u001b[2J", OptionalLong.of(127), false, false, false),
                AUDIT_OFF), new PrintWriter(w));
        String t = w.toString();
        assertThat(t).contains("audit:              off (enabled=0)").contains("DM audit records:   will not, because kernel auditing is off")
                .contains("pid 812 (evil\\x1b[2J)").contains("CAP_AUDIT_READ no, CAP_AUDIT_CONTROL no")
                .contains("multicast mode receives nothing here").doesNotContain("\u001b");
    }

    @Test
    void libraryFailuresMapToExitCodes() {
        assertThat(ApiFailures.toCli(failure(DmAuditException.Kind.PERMISSION)).exitCode()).isEqualTo(ExitCodes.NO_PERMISSION);
        assertThat(ApiFailures.toCli(failure(DmAuditException.Kind.UNSUPPORTED)).exitCode()).isEqualTo(ExitCodes.AUDIT_UNSUPPORTED);
        assertThat(ApiFailures.toCli(failure(DmAuditException.Kind.NOT_INITIAL_NAMESPACE)).exitCode())
                .isEqualTo(ExitCodes.AUDIT_UNSUPPORTED);
        CliFailure taken = ApiFailures.toCli(failure(DmAuditException.Kind.DAEMON_SLOT_TAKEN));
        assertThat(taken.exitCode()).isEqualTo(ExitCodes.DAEMON_SLOT_TAKEN);
        assertThat(taken).hasMessage("bind: EX (x): says why");
        assertThat(ApiFailures.toCli(failure(DmAuditException.Kind.OTHER)).exitCode()).isEqualTo(ExitCodes.SOFTWARE);
    }

    private static DmAuditException failure(DmAuditException.Kind kind) {
        return new DmAuditException(kind, "EX", "bind: EX (x): says why", null);
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
    @Live
    void liveStatusInBothFormats() throws Exception {
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
