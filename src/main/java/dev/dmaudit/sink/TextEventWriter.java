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
import dev.dmaudit.record.interpret.Interpreter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One line per event for people: time, device, module/op, sector, result, process, error_msg.
 * Every value that a process or user can influence goes through {@link Sanitize#visible}.
 */
final class TextEventWriter implements EventWriter {
    /** The last event time and its ISO-8601 text: events of a burst share their millisecond. */
    private static final class LastTime {
        private long millis = Long.MIN_VALUE;
        private String text;

        String text(long m) {
            if (m != millis) {
                text = Instant.ofEpochMilli(m).toString();
                millis = m;
            }
            return text;
        }
    }

    /** Per thread: format() is static and may be called from any thread. */
    private static final ThreadLocal<LastTime> TIMES = ThreadLocal.withInitial(LastTime::new);

    private final Writer out;
    /** {@code --interpret}, or null. */
    private final Interpreter interpreter;

    TextEventWriter(OutputStream out, Interpreter interpreter) {
        this.interpreter = interpreter;
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public void write(Event ev, DeviceHealth health) throws IOException {
        out.write(line(ev, interpreter));
        if (health != null) {
            out.write(" [now: " + Sanitize.visible(health.name()) + " " + Sanitize.visible(health.targetType()));
            if (health.mismatches().isPresent()) {
                out.write(", mismatches " + health.mismatches().getAsLong());
            }
            out.write(health.stale() ? ", as of " + health.observedAt() + "]" : "]");
        }
        out.write('\n');
    }

    /**
     * @param ev an event
     * @return its text line without the device status and newline (also journald's MESSAGE)
     */
    static String line(Event ev) {
        return line(ev, null);
    }

    static String line(Event ev, Interpreter interpreter) {
        String text = format(ev.audit(), ev.dm(), interpreter);
        if (ev.repeatSummary()) {
            text += " (repeated " + ev.count() + " more times, " + Instant.ofEpochMilli(ev.firstMillis()) + " .. "
                    + Instant.ofEpochMilli(ev.lastMillis()) + ")";
        }
        return ev.location() == null ? text : text + " \u2192 " + LocationFormat.text(ev.location());
    }

    static String format(AuditEvent event, DmEvent dm) {
        return format(event, dm, null);
    }

    /**
     * @param interpreter with {@code --interpret}: ids as names, errno names, other events' fields
     *                    as {@code ausearch -i} shows them; or null
     */
    static String format(AuditEvent event, DmEvent dm, Interpreter interpreter) {
        StringBuilder b = new StringBuilder(160);
        b.append(TIMES.get().text(event.timeMillis())).append(' ');
        if (dm == null) {
            b.append("serial=").append(event.serial());
            for (AuditRecord r : event.records()) {
                // An audit.log line's unknown type name is kept as written: untrusted too.
                b.append(" | ").append(Sanitize.visible(r.typeName())).append(' ');
                if (interpreter == null) {
                    b.append(Sanitize.visible(r.body()));
                } else {
                    interpreted(b, r, interpreter);
                }
            }
            return b.toString();
        }
        if (dm.device() != null) {
            if (dm.deviceName() != null) {
                b.append(Sanitize.visible(dm.deviceName())).append(" (").append(dm.device()).append(')');
            } else {
                b.append(dm.device());
            }
        } else {
            b.append('?');
        }
        String sep = " ";
        for (DmRecord r : dm.records()) {
            b.append(sep).append(Sanitize.visible(r.module())).append('/').append(Sanitize.visible(r.op()));
            if (r instanceof DmData d) {
                b.append(" sector=").append(d.hasSector() ? Long.toString(d.sector()) : "?");
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
                    .append(" exe=").append(Sanitize.visible(p.exe()))
                    .append(" uid=").append(interpreter == null ? Long.toString(p.uid()) : Sanitize.visible(interpreter.user(p.uid())));
            if (p.auidSet()) {
                b.append(" auid=").append(interpreter == null ? Long.toString(p.auid()) : Sanitize.visible(interpreter.user(p.auid())));
            }
        }
        if (dm.syscall() != null && dm.syscall().syscall() >= 0 && !dm.syscall().success()) {
            String errno = interpreter == null ? null : interpreter.exit(dm.syscall().exit());
            b.append(" syscall_exit=").append(errno != null ? errno : Long.toString(dm.syscall().exit()));
        }
        if (dm.origin() == DmEvent.Origin.UEVENT) {
            // No audit serial: the kernel reported this by uevent only (or first); say so.
            b.append(" origin=uevent seqnum=").append(dm.uevent().seqnum());
        } else {
            b.append(" serial=").append(event.serial());
        }
        return b.toString();
    }

    /** {@code key=value} for each field, interpreted where it has an interpretation, as {@code ausearch -i} writes a record. */
    private static void interpreted(StringBuilder b, AuditRecord r, Interpreter interpreter) {
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
