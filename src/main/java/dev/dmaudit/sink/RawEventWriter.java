package dev.dmaudit.sink;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.RecordTypes;
import java.io.IOException;
import java.io.OutputStream;

/**
 * auditd log lines, each event closed by its EOE line so {@code ausearch -if} groups it as auditd
 * would have. A record read from a log is written exactly as the log had it (its {@code node=},
 * its type text such as {@code UNKNOWN[1338]}, which ausearch needs to group it, and its ENRICHED
 * trailer); a record from netlink has no such text and is written as {@code type=NAME msg=…}.
 */
final class RawEventWriter implements EventWriter {
    private final LineBuffer out;

    RawEventWriter(OutputStream out) {
        this.out = new LineBuffer(out);
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
                    out.text("node=" + last.node() + " ");
                }
                out.text("type=" + RecordTypes.name(RecordTypes.EOE) + " msg=" + last.eventId() + ": ");
                out.endLine();
            }
        }
    }

    private void writeLine(AuditRecord r) throws IOException {
        if (!copyAsRead(r)) {
            String original = r.originalLine();
            // A record's body is kernel text; newlines inside would split the log line.
            out.text(oneLine(original != null ? original : r.toLogLine()));
        }
        out.endLine();
    }

    /**
     * A log line that is ASCII without a CR is its own output: its bytes are copied instead of
     * decoded into a String and encoded back (half of this writer's CPU). Other lines take the
     * String path, which makes bytes that are not UTF-8 into U+FFFD and CRs into spaces.
     *
     * @return true when the line was copied
     */
    private boolean copyAsRead(AuditRecord r) {
        int len = r.lineLength();
        if (len < 0) {
            return false;
        }
        int start = out.length();
        byte[] b = out.ensure(len);
        r.copyLine(b, start);
        for (int i = start; i < start + len; i++) {
            if (b[i] < 0 || b[i] == '\r' || b[i] == '\n') {
                return false; // nothing appended: the length was not moved
            }
        }
        out.length(start + len);
        return true;
    }

    private static String oneLine(String s) {
        return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
