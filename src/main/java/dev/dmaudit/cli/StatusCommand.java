package dev.dmaudit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dmaudit.netlink.AuditSocket;
import dev.dmaudit.netlink.AuditSocketOptions;
import dev.dmaudit.netlink.AuditStatus;
import dev.dmaudit.netlink.Capabilities;
import dev.dmaudit.netlink.Mode;
import dev.dmaudit.netlink.NetlinkException;
import dev.dmaudit.netlink.ProcFiles;
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
    /** Output formats. */
    enum Format { text, json }

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Spec
    CommandSpec spec;

    /** What the command reports. */
    record Report(AuditStatus status, String daemonComm, Capabilities caps, Boolean initialNetNamespace,
                  DmAuditVerdict.Result verdict) {
    }

    @Override
    public Integer call() throws IOException {
        AuditStatus st;
        try (AuditSocket s = AuditSocket.open(Mode.CONTROL, AuditSocketOptions.defaults())) {
            st = s.status();
        } catch (NetlinkException e) {
            throw NetlinkFailures.toCli(e);
        }
        Capabilities caps = Capabilities.current();
        Boolean initialNs = ProcFiles.inInitialNetNamespace();
        DmAuditVerdict.Result verdict = DmAuditVerdict.judge(DmAuditVerdict.Host.system(), st.auditEnabled(),
                caps.known() ? caps.has(Capabilities.CAP_AUDIT_READ) : null, initialNs);
        Report r = new Report(st, ProcFiles.comm(st.pid()), caps, initialNs, verdict);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            writeJson(r, out);
        } else {
            writeText(r, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static void writeText(Report r, PrintWriter out) {
        AuditStatus s = r.status();
        out.printf("audit:              %s (enabled=%d)%n", s.enabled() == 0 ? "off" : s.enabled() == 2 ? "on, locked" : "on",
                s.enabled());
        out.printf("DM audit records:   %s%n", Sanitize.oneLine(r.verdict().line()));
        out.printf("audit daemon:       %s%n", s.pid() == 0 ? "none registered"
                : "pid " + s.pid() + " (" + (r.daemonComm() == null ? "?" : Sanitize.oneLine(r.daemonComm())) + ")");
        out.printf("failure mode:       %d (%s)%n", s.failure(), failureName(s.failure()));
        out.printf("rate limit:         %s%n", s.rateLimit() == 0 ? "none" : s.rateLimit() + " records/s");
        out.printf("backlog:            %d queued, limit %d%n", s.backlog(), s.backlogLimit());
        out.printf("lost (kernel):      %d (records the kernel dropped from its own queues; not multicast loss)%n",
                s.lost());
        if (s.has(AuditStatus.FIELD_FEATURE_BITMAP)) {
            out.printf("feature bitmap:     0x%x%n", s.featureBitmap());
        }
        if (s.has(AuditStatus.FIELD_BACKLOG_WAIT_TIME)) {
            out.printf("backlog wait time:  %d%s%n", s.backlogWaitTime(),
                    s.has(AuditStatus.FIELD_BACKLOG_WAIT_TIME_ACTUAL) ? " (actual " + s.backlogWaitTimeActual() + ")" : "");
        }
        Capabilities c = r.caps();
        out.printf("our capabilities:   %s%n", !c.known() ? "unknown"
                : "CAP_AUDIT_READ " + yesNo(c.has(Capabilities.CAP_AUDIT_READ))
                        + ", CAP_AUDIT_CONTROL " + yesNo(c.has(Capabilities.CAP_AUDIT_CONTROL)));
        out.printf("network namespace:  %s%n", r.initialNetNamespace() == null ? "unknown"
                : r.initialNetNamespace() ? "initial (multicast works)"
                : "not the initial one: multicast mode receives nothing here");
    }

    static void writeJson(Report r, PrintWriter out) throws IOException {
        AuditStatus s = r.status();
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
                g.writeStringField("daemon_comm", r.daemonComm());
            }
            g.writeNumberField("rate_limit", s.rateLimit());
            g.writeNumberField("backlog_limit", s.backlogLimit());
            g.writeNumberField("lost", s.lost());
            g.writeNumberField("backlog", s.backlog());
            if (s.has(AuditStatus.FIELD_FEATURE_BITMAP)) {
                g.writeNumberField("feature_bitmap", s.featureBitmap());
            }
            if (s.has(AuditStatus.FIELD_BACKLOG_WAIT_TIME)) {
                g.writeNumberField("backlog_wait_time", s.backlogWaitTime());
            }
            if (s.has(AuditStatus.FIELD_BACKLOG_WAIT_TIME_ACTUAL)) {
                g.writeNumberField("backlog_wait_time_actual", s.backlogWaitTimeActual());
            }
            g.writeObjectFieldStart("capabilities");
            if (r.caps().known()) {
                g.writeBooleanField("CAP_AUDIT_READ", r.caps().has(Capabilities.CAP_AUDIT_READ));
                g.writeBooleanField("CAP_AUDIT_CONTROL", r.caps().has(Capabilities.CAP_AUDIT_CONTROL));
            }
            g.writeEndObject();
            g.writeFieldName("initial_net_namespace");
            if (r.initialNetNamespace() == null) {
                g.writeNull();
            } else {
                g.writeBoolean(r.initialNetNamespace());
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
