package dev.dmaudit.sink;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.RecordTypes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * auditd log lines, each event closed by its EOE line so {@code ausearch -if} groups it as auditd
 * would have. A record read from a log is written exactly as the log had it (its {@code node=},
 * its type text such as {@code UNKNOWN[1338]}, which ausearch needs to group it, and its ENRICHED
 * trailer); a record from netlink has no such text and is written as {@code type=NAME msg=…}.
 */
final class RawEventWriter implements EventWriter {
    private final Writer out;

    RawEventWriter(OutputStream out) {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public void write(Event ev, DeviceHealth health) throws IOException {
        // Raw lines are what the kernel (or the log) had: our enrichment and repeat counts have no place in them.
        AuditEvent event = ev.audit();
        AuditRecord last = null;
        for (AuditRecord r : event.records()) {
            writeLine(r);
            last = r;
        }
        if (last != null && event.completion() == AuditEvent.Completion.EOE) {
            if (event.eoe() != null) {
                writeLine(event.eoe());
            } else {
                // The EOE keeps its event's node: ausearch groups by node as well as by serial.
                if (last.node() != null) {
                    out.write("node=" + last.node() + " ");
                }
                out.write("type=" + RecordTypes.name(RecordTypes.EOE) + " msg=" + last.eventId() + ": \n");
            }
        }
    }

    private void writeLine(AuditRecord r) throws IOException {
        String original = r.originalLine();
        // A record's body is kernel text; newlines inside would split the log line.
        out.write(oneLine(original != null ? original : r.toLogLine()));
        out.write('\n');
    }

    private static String oneLine(String s) {
        return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
