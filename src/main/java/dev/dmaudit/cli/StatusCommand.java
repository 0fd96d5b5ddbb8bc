package dev.dmaudit.cli;

import dev.dmaudit.sink.Sanitize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dmaudit.api.DmAuditException;
import dev.dmaudit.api.KernelAudit;
import dev.dmaudit.sink.OutputFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dmaudit status}: the kernel's audit status and whether DM records are produced now. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the kernel's audit status (AUDIT_GET) and the registered audit daemon.",
            "Show this process's audit capabilities and network namespace.",
            "Say whether device-mapper audit records will arrive, and if not, why:",
            "device-mapper loaded, CONFIG_DM_AUDIT, auditing on, our capabilities.",
            "Needs root or CAP_AUDIT_CONTROL."})
public final class StatusCommand implements Callable<Integer> {

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "Output format: text or json (default: text).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    /** What the command reports. */
    record Report(KernelAudit.Status status, DmAuditVerdict.Result verdict) {
    }

    @Override
    public Integer call() throws IOException {
        KernelAudit.Status st;
        try {
            st = KernelAudit.read();
        } catch (DmAuditException e) {
            throw ApiFailures.toCli(e);
        }
        DmAuditVerdict.Result verdict = DmAuditVerdict.judge(DmAuditVerdict.Host.system(), st.auditEnabled(),
                st.capAuditRead(), st.initialNetNamespace());
        Report r = new Report(st, verdict);
        PrintWriter out = spec.commandLine().getOut();
        RowWriter.requireTable(format);
        if (format == OutputFormat.JSON) {
            writeJson(r, out);
        } else {
            writeText(r, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static void writeText(Report r, PrintWriter out) {
        KernelAudit.Status s = r.status();
        out.printf("audit:              %s (enabled=%d)%n", s.enabled() == 0 ? "off" : s.enabled() == 2 ? "on, locked" : "on",
                s.enabled());
        out.printf("DM audit records:   %s%n", Sanitize.oneLine(r.verdict().line()));
        out.printf("audit daemon:       %s%n", s.pid() == 0 ? "none registered"
                : "pid " + s.pid() + " (" + (s.daemonComm() == null ? "?" : Sanitize.oneLine(s.daemonComm())) + ")");
        out.printf("failure mode:       %d (%s)%n", s.failure(), failureName(s.failure()));
        out.printf("rate limit:         %s%n", s.rateLimit() == 0 ? "none" : s.rateLimit() + " records/s");
        out.printf("backlog:            %d queued, limit %d%n", s.backlog(), s.backlogLimit());
        out.printf("lost (kernel):      %d (records the kernel dropped from its own queues; not multicast loss)%n",
                s.lost());
        if (s.featureBitmap().isPresent()) {
            out.printf("feature bitmap:     0x%x%n", s.featureBitmap().getAsLong());
        }
        if (s.backlogWaitTime().isPresent()) {
            out.printf("backlog wait time:  %d%s%n", s.backlogWaitTime().getAsLong(), s.backlogWaitTimeActual().isPresent()
                    ? " (actual " + s.backlogWaitTimeActual().getAsLong() + ")" : "");
        }
        out.printf("our capabilities:   %s%n", s.capAuditRead() == null ? "unknown"
                : "CAP_AUDIT_READ " + yesNo(s.capAuditRead()) + ", CAP_AUDIT_CONTROL " + yesNo(s.capAuditControl()));
        out.printf("network namespace:  %s%n", s.initialNetNamespace() == null ? "unknown"
                : s.initialNetNamespace() ? "initial (multicast works)"
                : "not the initial one: multicast mode receives nothing here");
    }

    static void writeJson(Report r, PrintWriter out) throws IOException {
        KernelAudit.Status s = r.status();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("enabled", s.enabled());
            g.writeBooleanField("dm_records_now", r.verdict().outcome() == DmAuditVerdict.Outcome.WILL_ARRIVE);
            g.writeStringField("dm_audit_records", r.verdict().outcome().text);
            g.writeArrayFieldStart("dm_audit_because");
            for (String reason : r.verdict().reasons()) {
                g.writeString(reason);
            }
            g.writeEndArray();
            g.writeNumberField("failure", s.failure());
            g.writeNumberField("pid", s.pid());
            if (s.pid() != 0) {
                g.writeStringField("daemon_comm", s.daemonComm());
            }
            g.writeNumberField("rate_limit", s.rateLimit());
            g.writeNumberField("backlog_limit", s.backlogLimit());
            g.writeNumberField("lost", s.lost());
            g.writeNumberField("backlog", s.backlog());
            if (s.featureBitmap().isPresent()) {
                g.writeNumberField("feature_bitmap", s.featureBitmap().getAsLong());
            }
            if (s.backlogWaitTime().isPresent()) {
                g.writeNumberField("backlog_wait_time", s.backlogWaitTime().getAsLong());
            }
            if (s.backlogWaitTimeActual().isPresent()) {
                g.writeNumberField("backlog_wait_time_actual", s.backlogWaitTimeActual().getAsLong());
            }
            g.writeObjectFieldStart("capabilities");
            if (s.capAuditRead() != null) {
                g.writeBooleanField("CAP_AUDIT_READ", s.capAuditRead());
                g.writeBooleanField("CAP_AUDIT_CONTROL", s.capAuditControl());
            }
            g.writeEndObject();
            g.writeFieldName("initial_net_namespace");
            if (s.initialNetNamespace() == null) {
                g.writeNull();
            } else {
                g.writeBoolean(s.initialNetNamespace());
            }
            g.writeEndObject();
        }
        out.println();
    }

    private static String failureName(int f) {
        return switch (f) {
            case 0 -> "silent";
            case 1 -> "printk";
            case 2 -> "panic";
            default -> "?";
        };
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
