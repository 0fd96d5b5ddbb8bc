package dev.dmaudit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dmaudit.history.HistoryReader;
import dev.dmaudit.sink.OutputFormat;
import dev.dmaudit.sink.Sanitize;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dmaudit report}: what failed, where, how often, from the history. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Per device from the history: events per op, data failures, distinct failing sectors,",
            "the most failing sectors and files, first/last seen, acknowledgements, and coverage gaps",
            "(times no listener ran, sessions that were killed or lost events).",
            "Works while dmaudit listen writes, as any user who can read the database."},
        footer = {"", "Examples:",
            "  dmaudit report",
            "  dmaudit report --device 254:0 --since 7d --format json"})
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HistoryPath history = new HistoryPath();

    @Option(names = "--device", paramLabel = "DEVICE", description = "Only this device (MAJ:MIN or dm name).")
    String device;

    @Option(names = "--since", paramLabel = "T", description = "Count from T: a duration ago (24h, 7d), an instant or a date"
            + " (counted from stored events, so within --history-keep; default: all time, from the kept counts).")
    String since;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text or json (default: text).")
    OutputFormat format;

    @Option(names = "--top", paramLabel = "N", description = "Sectors and files listed per device (default: ${DEFAULT-VALUE}).")
    int top = 10;

    @Override
    public Integer call() throws IOException {
        RowWriter.requireTable(format);
        Long sinceMs = history.sinceMillis(since, System.currentTimeMillis());
        HistoryPath.Snapshot snap;
        try {
            snap = history.read(device, sinceMs, Math.max(0, top));
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            writeJson(snap, sinceMs, out);
        } else {
            writeText(snap, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String time(Long ms) {
        return ms == null ? "-" : Instant.ofEpochMilli(ms).toString();
    }

    static void writeText(HistoryPath.Snapshot snap, PrintWriter out) {
        if (snap.devices().isEmpty()) {
            out.println("no devices in the history");
        }
        for (HistoryReader.Device d : snap.devices()) {
            out.printf("%s %s uuid=%s%n", d.device(), d.name() == null ? "(unnamed)" : Sanitize.oneLine(d.name()),
                    d.uuid() == null ? "-" : Sanitize.oneLine(d.uuid()));
            out.printf("  data failures: %d (%s), distinct sectors: %d, control failures: %d%n", d.failures(),
                    d.unacknowledged() == 0 ? (d.failures() == 0 ? "none" : "all acknowledged") : d.unacknowledged() + " unacknowledged",
                    d.distinctSectors(), d.controlFailures());
            out.printf("  first seen %s, last seen %s, last failure %s%n", time(d.firstSeen()), time(d.lastSeen()), time(d.lastFailure()));
            if (d.ackedAt() != null) {
                out.printf("  acknowledged %s (%d failures)%s%n", time(d.ackedAt()), d.ackedFailures(),
                        d.ackNote() == null ? "" : ": " + Sanitize.oneLine(d.ackNote()));
            }
            for (HistoryReader.OpCount o : d.ops()) {
                out.printf("  %s/%s %s: %d (%s .. %s)%n", Sanitize.oneLine(o.module()), Sanitize.oneLine(o.op()), o.result(), o.count(),
                        time(o.firstSeen()), time(o.lastSeen()));
            }
            for (HistoryReader.Spot s : d.topSectors()) {
                out.printf("  sector %s: %d failures (%s .. %s)%n", s.where(), s.failures(), time(s.firstSeen()), time(s.lastSeen()));
            }
            for (HistoryReader.Spot s : d.files()) {
                out.printf("  file %s: %d failures%n", Sanitize.oneLine(s.where()), s.failures());
            }
        }
        for (HistoryReader.Gap g : snap.gaps()) {
            out.printf("coverage gap %s .. %s: %s%n", time(g.from()), time(g.to()), g.why());
        }
    }

    static void writeJson(HistoryPath.Snapshot snap, Long sinceMs, PrintWriter out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            if (sinceMs != null) {
                g.writeStringField("since", time(sinceMs));
            }
            g.writeArrayFieldStart("devices");
            for (HistoryReader.Device d : snap.devices()) {
                g.writeStartObject();
                g.writeStringField("device", d.device());
                g.writeStringField("name", d.name());
                g.writeStringField("uuid", d.uuid());
                g.writeNumberField("events", d.events());
                g.writeNumberField("failures", d.failures());
                g.writeNumberField("unacknowledged", d.unacknowledged());
                g.writeBooleanField("acknowledged", d.unacknowledged() == 0);
                g.writeNumberField("distinct_sectors", d.distinctSectors());
                g.writeNumberField("control_failures", d.controlFailures());
                g.writeStringField("first_seen", time(d.firstSeen()));
                g.writeStringField("last_seen", time(d.lastSeen()));
                g.writeStringField("last_failure", d.lastFailure() == null ? null : time(d.lastFailure()));
                g.writeStringField("acknowledged_at", d.ackedAt() == null ? null : time(d.ackedAt()));
                g.writeStringField("ack_note", d.ackNote());
                g.writeArrayFieldStart("ops");
                for (HistoryReader.OpCount o : d.ops()) {
                    g.writeStartObject();
                    g.writeStringField("module", o.module());
                    g.writeStringField("op", o.op());
                    g.writeStringField("result", o.result());
                    g.writeNumberField("count", o.count());
                    g.writeStringField("first_seen", time(o.firstSeen()));
                    g.writeStringField("last_seen", time(o.lastSeen()));
                    g.writeEndObject();
                }
                g.writeEndArray();
                spots(g, "top_sectors", "sector", d.topSectors());
                spots(g, "files", "location", d.files());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("coverage_gaps");
            for (HistoryReader.Gap gap : snap.gaps()) {
                g.writeStartObject();
                g.writeStringField("from", time(gap.from()));
                g.writeStringField("to", gap.to() == null ? null : time(gap.to()));
                g.writeStringField("why", gap.why());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("sessions", snap.sessions().size());
            g.writeEndObject();
        }
        out.println();
    }

    private static void spots(JsonGenerator g, String field, String key, java.util.List<HistoryReader.Spot> spots) throws IOException {
        g.writeArrayFieldStart(field);
        for (HistoryReader.Spot s : spots) {
            g.writeStartObject();
            if (key.equals("sector")) {
                g.writeNumberField(key, Long.parseLong(s.where()));
            } else {
                g.writeStringField(key, s.where()); // the --locate JSON object, as text
            }
            g.writeNumberField("failures", s.failures());
            g.writeStringField("first_seen", time(s.firstSeen()));
            g.writeStringField("last_seen", time(s.lastSeen()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
