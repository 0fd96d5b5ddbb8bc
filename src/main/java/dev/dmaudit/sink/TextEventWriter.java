package dev.dmaudit.sink;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.Event;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.ProcessInfo;
import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.record.interpret.Interpreter;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * One line per event for people: time, device, module/op, sector, result, process, error_msg.
 * Every value that a process or user can influence goes through {@link Sanitize#visible}.
 */
final class TextEventWriter implements EventWriter {
    /**
     * Per thread: format() is static and may be called from any thread. The date and time of day
     * are formatted once per second (Instant.toString per event was a fifth of this output's CPU
     * on a log whose every line has its own millisecond).
     */
    private static final ThreadLocal<IsoTime> TIMES = ThreadLocal.withInitial(IsoTime::new);

    private final LineBuffer out;
    /** One line's text, reused: formatted here as UTF-8, then copied to {@link #out}. */
    private final TextLine line = new TextLine(256);
    /** {@code --interpret}, or null. */
    private final Interpreter interpreter;

    TextEventWriter(OutputStream out, Interpreter interpreter) {
        this.interpreter = interpreter;
        this.out = new LineBuffer(out);
    }

    @Override
    public void write(Event ev, DeviceHealth health) throws IOException {
        TextLine b = line;
        b.clear(1 << 16); // one huge event does not keep its buffer
        if (ev.dm() == null && interpreter == null) {
            records(b, ev.audit());
            suffix(b, ev);
        } else {
            line(b, ev, interpreter);
        }
        if (health != null) {
            b.append(" [now: ").append(Sanitize.visible(health.name())).append(' ').append(Sanitize.visible(health.targetType()));
            if (health.mismatches().isPresent()) {
                b.append(", mismatches ").append(health.mismatches().getAsLong());
            }
            b.append(health.stale() ? ", as of " + health.observedAt() + "]" : "]");
        }
        out.bytes(b.bytes(), 0, b.length());
        out.endLine();
    }

    /**
     * @param ev an event
     * @return its text line without the device status and newline (also journald's MESSAGE)
     */
    static String line(Event ev) {
        return line(new TextLine(160), ev, null).toString();
    }

    /**
     * An event without DM records, as {@link #format} writes it, with each record's body copied
     * as bytes when it is printable ASCII without a backslash (what {@link Sanitize#visible} leaves
     * as it is): no String per record, no second pass over it (a third of a mixed log's text CPU).
     * Leaves b empty or holding the text not yet in {@link #out}.
     */
    private void records(TextLine b, AuditEvent event) {
        TIMES.get().appendTo(b, event.timeMillis()).append(' ');
        b.append("serial=").append(event.serial());
        for (AuditRecord r : event.records()) {
            recordHead(b, r);
            int len = r.bodyLength();
            out.bytes(b.bytes(), 0, b.length());
            b.clear(1 << 16);
            int start = out.length();
            byte[] buf = out.ensure(len);
            r.copyBody(buf, start);
            boolean plain = true;
            for (int i = start; i < start + len && plain; i++) {
                byte c = buf[i];
                plain = c >= 0x20 && c < 0x7f && c != '\\';
            }
            if (plain) {
                out.length(start + len); // else nothing appended: the length was not moved
            } else {
                b.append(Sanitize.visible(r.body()));
            }
        }
    }

    private static TextLine recordHead(TextLine b, AuditRecord r) {
        // An audit.log line's unknown type name is kept as written: untrusted too.
        return b.append(" | ").append(Sanitize.visible(r.typeName())).append(' ');
    }

    private static TextLine line(TextLine b, Event ev, Interpreter interpreter) {
        format(b, ev.audit(), ev.dm(), interpreter);
        return suffix(b, ev);
    }

    /** The repeat count and location that follow an event's text. */
    private static TextLine suffix(TextLine b, Event ev) {
        if (ev.repeatSummary()) {
            b.append(" (repeated ").append(ev.count()).append(" more times, ").append(Instant.ofEpochMilli(ev.firstMillis()).toString())
                    .append(" .. ").append(Instant.ofEpochMilli(ev.lastMillis()).toString()).append(')');
        }
        return ev.location() == null ? b : b.append(" \u2192 ").append(LocationFormat.text(ev.location()));
    }

    static String format(AuditEvent event, DmEvent dm) {
        return format(new TextLine(160), event, dm, null).toString();
    }

    /**
     * @param b           where the line goes
     * @param interpreter with {@code --interpret}: ids as names, errno names, other events' fields
     *                    as {@code ausearch -i} shows them; or null
     * @return b
     */
    private static TextLine format(TextLine b, AuditEvent event, DmEvent dm, Interpreter interpreter) {
        TIMES.get().appendTo(b, event.timeMillis()).append(' ');
        if (dm == null) {
            b.append("serial=").append(event.serial());
            for (AuditRecord r : event.records()) {
                recordHead(b, r);
                if (interpreter == null) {
                    b.append(Sanitize.visible(r.body()));
                } else {
                    interpreted(b, r, interpreter);
                }
            }
            return b;
        }
        if (dm.device() != null) {
            if (dm.deviceName() != null) {
                b.append(Sanitize.visible(dm.deviceName())).append(" (");
                device(b, dm.device()).append(')');
            } else {
                device(b, dm.device());
            }
        } else {
            b.append('?');
        }
        String sep = " ";
        for (DmRecord r : dm.records()) {
            b.append(sep).append(Sanitize.visible(r.module())).append('/').append(Sanitize.visible(r.op()));
            if (r instanceof DmData d) {
                b.append(" sector=");
                if (d.hasSector()) {
                    b.append(d.sector());
                } else {
                    b.append('?');
                }
            }
            b.append(r.success() ? " ok" : " FAILED");
            if (r instanceof DmControl c && c.errorMsg() != null && !"success".equals(c.errorMsg())) {
                b.append(" error_msg='").append(Sanitize.visible(c.errorMsg())).append('\'');
            }
            sep = ", ";
        }
        ProcessInfo p = dm.process();
        if (p != null) {
            b.append(" by ").append(Sanitize.visible(p.comm())).append('[').append(p.pid()).append(']')
                    .append(" exe=").append(Sanitize.visible(p.exe())).append(" uid=");
            if (interpreter == null) {
                b.append(p.uid());
            } else {
                b.append(Sanitize.visible(interpreter.user(p.uid())));
            }
            if (p.auidSet()) {
                b.append(" auid=");
                if (interpreter == null) {
                    b.append(p.auid());
                } else {
                    b.append(Sanitize.visible(interpreter.user(p.auid())));
                }
            }
        }
        if (dm.syscall() != null && dm.syscall().syscall() >= 0 && !dm.syscall().success()) {
            String errno = interpreter == null ? null : interpreter.exit(dm.syscall().exit());
            b.append(" syscall_exit=");
            if (errno != null) {
                b.append(errno);
            } else {
                b.append(dm.syscall().exit());
            }
        }
        if (dm.origin() == DmEvent.Origin.UEVENT) {
            // No audit serial: the kernel reported this by uevent only (or first); say so.
            b.append(" origin=uevent seqnum=").append(dm.uevent().seqnum());
        } else {
            b.append(" serial=").append(event.serial());
        }
        return b;
    }

    /** {@code MAJ:MIN} as DeviceNumber.toString writes it, without making that string per event. */
    private static TextLine device(TextLine b, DeviceNumber d) {
        return b.append(d.major()).append(':').append(d.minor());
    }

    /** {@code key=value} for each field, interpreted where it has an interpretation, as {@code ausearch -i} writes a record. */
    private static void interpreted(TextLine b, AuditRecord r, Interpreter interpreter) {
        AuditFields f = r.fields();
        for (int i = 0; i < f.size(); i++) {
            String shown = interpreter.interpret(r, i);
            b.append(i == 0 ? "" : " ").append(Sanitize.visible(f.key(i))).append('=')
                    .append(Sanitize.visible(shown != null ? shown : f.value(i)));
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
