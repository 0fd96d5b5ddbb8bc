package dev.dmaudit.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.dmaudit.event.Event;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.ProcessInfo;
import dev.dmaudit.event.SyscallInfo;
import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.Uevent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * One JSON object per line, written with Jackson's streaming generator. Non-ASCII is escaped so
 * every line is plain ASCII whatever bytes a process put in its comm or a user message.
 * The schema is documented in README ("JSON output").
 */
final class JsonEventWriter implements EventWriter {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();
    /** The JSON names of the completions, made once rather than lower-cased per event. */
    private static final String[] COMPLETION = java.util.Arrays.stream(AuditEvent.Completion.values())
            .map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);
    private final JsonGenerator gen;
    /** The last event time and its ISO-8601 text: events of a burst share their millisecond. */
    private long lastMillis = Long.MIN_VALUE;
    private String lastTime;

    JsonEventWriter(OutputStream out) {
        try {
            // Jackson writes out its 8 KB buffer as it fills: 64 KB blocks make a tenth of the
            // write(2) calls when the stream underneath is a bare descriptor (stdout).
            this.gen = FACTORY.createGenerator(new java.io.BufferedOutputStream(out, 1 << 16));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create JSON generator", e);
        }
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.setRootValueSeparator(null);
    }

    @Override
    public void write(Event ev, DeviceHealth health) throws IOException {
        AuditEvent event = ev.audit();
        DmEvent dm = ev.dm();
        gen.writeStartObject();
        gen.writeNumberField("serial", event.serial());
        gen.writeStringField("time", isoTime(event.timeMillis()));
        gen.writeNumberField("time_ms", event.timeMillis());
        gen.writeStringField("kind", dm == null ? "audit" : dm.isData() ? "dm_data" : "dm_control");
        gen.writeStringField("completion", COMPLETION[event.completion().ordinal()]);
        if (dm != null) {
            writeDm(dm);
            if (dm.origin() == DmEvent.Origin.UEVENT) {
                writeUevent(dm.uevent());
            }
        }
        if (ev.repeatSummary()) {
            gen.writeObjectFieldStart("repeat");
            gen.writeNumberField("count", ev.count());
            gen.writeStringField("first", Instant.ofEpochMilli(ev.firstMillis()).toString());
            gen.writeStringField("last", Instant.ofEpochMilli(ev.lastMillis()).toString());
            gen.writeEndObject();
        }
        if (health != null) {
            gen.writeObjectFieldStart("device_status");
            gen.writeStringField("name", health.name());
            gen.writeStringField("target_type", health.targetType());
            gen.writeStringField("backing_device", health.backingDevice().orElse(null));
            if (health.mismatches().isPresent()) {
                gen.writeNumberField("mismatches", health.mismatches().getAsLong());
            } else {
                gen.writeNullField("mismatches");
            }
            gen.writeStringField("observed_at", health.observedAt().toString());
            gen.writeBooleanField("stale", health.stale());
            gen.writeEndObject();
        }
        gen.writeArrayFieldStart("records");
        for (AuditRecord r : event.records()) {
            writeRecord(r);
        }
        gen.writeEndArray();
        gen.writeEndObject();
        gen.writeRaw('\n');
    }

    /** Instant.toString is a tenth of this writer's CPU when every event formats it afresh. */
    private String isoTime(long millis) {
        if (millis != lastMillis) {
            lastTime = Instant.ofEpochMilli(millis).toString();
            lastMillis = millis;
        }
        return lastTime;
    }

    private void writeDm(DmEvent dm) throws IOException {
        gen.writeStringField("device", dm.device() == null ? null : dm.device().toString());
        gen.writeStringField("device_name", dm.deviceName());
        gen.writeArrayFieldStart("dm");
        for (DmRecord r : dm.records()) {
            gen.writeStartObject();
            gen.writeStringField("type", r instanceof DmControl ? "DM_CTRL" : "DM_EVENT");
            gen.writeStringField("module", r.module());
            gen.writeStringField("op", r.op());
            gen.writeStringField("dev", r.device() == null ? null : r.device().toString());
            gen.writeBooleanField("success", r.success());
            if (r instanceof DmControl c) {
                gen.writeStringField("error_msg", c.errorMsg());
            } else if (r instanceof DmData d) {
                if (d.hasSector()) {
                    gen.writeNumberField("sector", d.sector());
                } else {
                    gen.writeNullField("sector");
                }
            }
            gen.writeEndObject();
        }
        gen.writeEndArray();
        ProcessInfo p = dm.process();
        if (p != null) {
            gen.writeObjectFieldStart("process");
            gen.writeNumberField("pid", p.pid());
            gen.writeNumberField("ppid", p.ppid());
            gen.writeNumberField("uid", p.uid());
            if (p.auidSet()) {
                gen.writeNumberField("auid", p.auid());
            } else {
                gen.writeNullField("auid");
            }
            if (p.ses() != ProcessInfo.UNSET && p.ses() >= 0) {
                gen.writeNumberField("ses", p.ses());
            } else {
                gen.writeNullField("ses");
            }
            gen.writeStringField("tty", p.tty());
            gen.writeStringField("comm", p.comm());
            gen.writeStringField("exe", p.exe());
            gen.writeStringField("subj", p.subj());
            gen.writeEndObject();
        }
        SyscallInfo s = dm.syscall();
        if (s != null) {
            gen.writeObjectFieldStart("syscall");
            gen.writeStringField("arch", s.arch());
            gen.writeNumberField("syscall", s.syscall());
            gen.writeBooleanField("success", s.success());
            gen.writeNumberField("exit", s.exit());
            gen.writeStringField("proctitle", s.proctitle());
            gen.writeEndObject();
        }
    }

    /** An event made from a kernel uevent: its origin, and the uevent as the kernel sent it. */
    private void writeUevent(Uevent u) throws IOException {
        gen.writeStringField("origin", "uevent");
        gen.writeObjectFieldStart("uevent");
        gen.writeStringField("action", u.action());
        gen.writeStringField("devpath", u.devpath());
        gen.writeNumberField("seqnum", u.seqnum());
        gen.writeArrayFieldStart("env");
        for (int i = 0; i < u.keys().size(); i++) {
            gen.writeStartArray();
            gen.writeString(u.keys().get(i));
            gen.writeString(u.values().get(i));
            gen.writeEndArray();
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    private void writeRecord(AuditRecord r) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("type", r.typeName());
        gen.writeNumberField("type_num", r.type());
        if (r.receivedType() != r.type()) {
            gen.writeNumberField("received_type", r.receivedType());
        }
        if (r.node() != null) {
            gen.writeStringField("node", r.node());
        }
        writePairs("fields", r.fields());
        if (r.enriched().size() > 0) {
            writePairs("enriched", r.enriched());
        }
        gen.writeEndObject();
    }

    /** Pairs, not an object: records may repeat a key and their order matters. */
    private void writePairs(String name, AuditFields f) throws IOException {
        gen.writeArrayFieldStart(name);
        for (int i = 0; i < f.size(); i++) {
            gen.writeStartArray();
            gen.writeString(f.key(i));
            gen.writeString(f.value(i));
            gen.writeEndArray();
        }
        gen.writeEndArray();
    }

    @Override
    public void flush() throws IOException {
        gen.flush();
    }
}
