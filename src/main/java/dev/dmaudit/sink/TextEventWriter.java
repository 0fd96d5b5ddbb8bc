package dev.dmaudit.sink;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.Event;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.ProcessInfo;
import dev.dmaudit.record.AuditRecord;
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

    TextEventWriter(OutputStream out) {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public void write(Event ev, DeviceHealth health) throws IOException {
        out.write(format(ev.audit(), ev.dm()));
        if (ev.repeatSummary()) {
            out.write(" (repeated " + ev.count() + " more times, " + Instant.ofEpochMilli(ev.firstMillis())
                    + " .. " + Instant.ofEpochMilli(ev.lastMillis()) + ")");
        }
        if (health != null) {
            out.write(" [now: " + Sanitize.visible(health.name()) + " " + Sanitize.visible(health.targetType()));
            if (health.mismatches().isPresent()) {
                out.write(", mismatches " + health.mismatches().getAsLong());
            }
            out.write(health.stale() ? ", as of " + health.observedAt() + "]" : "]");
        }
        out.write('\n');
    }

    static String format(AuditEvent event, DmEvent dm) {
        StringBuilder b = new StringBuilder(160);
        b.append(TIMES.get().text(event.timeMillis())).append(' ');
        if (dm == null) {
            b.append("serial=").append(event.serial());
            for (AuditRecord r : event.records()) {
                // An audit.log line's unknown type name is kept as written: untrusted too.
                b.append(" | ").append(Sanitize.visible(r.typeName())).append(' ').append(Sanitize.visible(r.body()));
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
                    .append(" uid=").append(p.uid());
            if (p.auidSet()) {
                b.append(" auid=").append(p.auid());
            }
        }
        if (dm.syscall() != null && dm.syscall().syscall() >= 0 && !dm.syscall().success()) {
            b.append(" syscall_exit=").append(dm.syscall().exit());
        }
        if (dm.origin() == DmEvent.Origin.UEVENT) {
            // No audit serial: the kernel reported this by uevent only (or first); say so.
            b.append(" origin=uevent seqnum=").append(dm.uevent().seqnum());
        } else {
            b.append(" serial=").append(event.serial());
        }
        return b.toString();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
