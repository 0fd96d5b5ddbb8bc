package dev.dmaudit.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
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
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.record.interpret.Interpreter;
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
    /** Jackson's output buffer: 64 KiB instead of its 8,000 bytes (see {@link WideBuffers}). */
    private static final int OUTPUT_BUFFER = 1 << 16;
    /** Written out before an event once this much is buffered: leaves 16 KiB for the event. */
    private static final int FLUSH_BEFORE_EVENT = OUTPUT_BUFFER - (1 << 14);
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .recyclerPool(new WideBuffers())
            .build();

    /**
     * Gives each generator a 64 KiB output buffer, written straight to the stream: with Jackson's
     * 8,000 bytes behind a BufferedOutputStream, copying every byte a second time was an eighth
     * of this writer's CPU; on a bare stream, 8,000-byte writes would be eight times the write(2)
     * calls. One generator per writer, so nothing to pool.
     */
    private static final class WideBuffers extends RecyclerPool.NonRecyclingPoolBase<BufferRecycler> {
        private static final long serialVersionUID = 1L;

        @Override
        public BufferRecycler acquirePooled() {
            return new BufferRecycler() {
                @Override
                protected int byteBufferLength(int ix) {
                    return ix == BYTE_WRITE_ENCODING_BUFFER ? OUTPUT_BUFFER : super.byteBufferLength(ix);
                }
            };
        }
    }
    /** The JSON names of the completions, made once rather than lower-cased per event. */
    private static final SerializableString[] COMPLETION = java.util.Arrays.stream(AuditEvent.Completion.values())
            .map(c -> new SerializedString(c.name().toLowerCase(java.util.Locale.ROOT))).toArray(SerializableString[]::new);
    // Names and constant values encoded once: Jackson copies their quoted bytes instead of
    // checking and escaping each name per event (issue 15: JSON output was half text's speed).
    private static final SerializableString SERIAL = name("serial");
    private static final SerializableString TIME = name("time");
    private static final SerializableString TIME_MS = name("time_ms");
    private static final SerializableString KIND = name("kind");
    private static final SerializableString COMPLETION_NAME = name("completion");
    private static final SerializableString DEVICE = name("device");
    private static final SerializableString DEVICE_NAME = name("device_name");
    private static final SerializableString DM = name("dm");
    private static final SerializableString TYPE = name("type");
    private static final SerializableString MODULE = name("module");
    private static final SerializableString OP = name("op");
    private static final SerializableString DEV = name("dev");
    private static final SerializableString SUCCESS = name("success");
    private static final SerializableString ERROR_MSG = name("error_msg");
    private static final SerializableString SECTOR = name("sector");
    private static final SerializableString RECORDS = name("records");
    private static final SerializableString TYPE_NUM = name("type_num");
    private static final SerializableString RECEIVED_TYPE = name("received_type");
    private static final SerializableString NODE = name("node");
    private static final SerializableString FIELDS = name("fields");
    private static final SerializableString ENRICHED = name("enriched");
    private static final SerializableString INTERPRETED = name("interpreted");
    private static final SerializableString DM_CTRL = name("DM_CTRL");
    private static final SerializableString DM_EVENT = name("DM_EVENT");
    private static final SerializableString[] KINDS = {name("audit"), name("dm_data"), name("dm_control")};
    private final JsonGenerator gen;
    private final IsoTime time = new IsoTime();
    /** Each record's field pairs, encoded as one raw value. */
    private final JsonPairs pairs = new JsonPairs();
    /** The last device and its text: the events of a run mostly name one device, twice each. */
    private DeviceNumber lastDevice;
    private String lastDeviceText;
    /** {@code --interpret}: adds each record's {@code interpreted} pairs; null when off. */
    private final Interpreter interpreter;

    JsonEventWriter(OutputStream out, Interpreter interpreter) {
        this.interpreter = interpreter;
        try {
            this.gen = FACTORY.createGenerator(out); // its own 64 KiB buffer: WideBuffers
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
        if (gen.getOutputBuffered() >= FLUSH_BEFORE_EVENT) {
            // Between events, while the buffer still has room for a record: otherwise a raw value
            // that does not fit goes through Jackson's rarer overflow path mid-record.
            gen.flush();
        }
        gen.writeStartObject();
        gen.writeFieldName(SERIAL);
        gen.writeNumber(event.serial());
        gen.writeFieldName(TIME);
        time.format(event.timeMillis());
        gen.writeRawUTF8String(time.bytes(), 0, time.length()); // ASCII digits and punctuation: nothing to escape
        gen.writeFieldName(TIME_MS);
        gen.writeNumber(event.timeMillis());
        gen.writeFieldName(KIND);
        gen.writeString(KINDS[dm == null ? 0 : dm.isData() ? 1 : 2]);
        gen.writeFieldName(COMPLETION_NAME);
        gen.writeString(COMPLETION[event.completion().ordinal()]);
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
        if (ev.location() != null) {
            LocationFormat.json(gen, ev.location());
        }
        gen.writeFieldName(RECORDS);
        gen.writeStartArray();
        for (AuditRecord r : event.records()) {
            writeRecord(r);
        }
        gen.writeEndArray();
        gen.writeEndObject();
        gen.writeRaw('\n');
    }

    private static SerializableString name(String s) {
        return new SerializedString(s);
    }

    private String device(DeviceNumber d) {
        if (d == null) {
            return null;
        }
        if (!d.equals(lastDevice)) {
            lastDevice = d;
            lastDeviceText = d.toString();
        }
        return lastDeviceText;
    }

    private void stringField(SerializableString name, String value) throws IOException {
        gen.writeFieldName(name);
        gen.writeString(value);
    }

    private void writeDm(DmEvent dm) throws IOException {
        stringField(DEVICE, device(dm.device()));
        stringField(DEVICE_NAME, dm.deviceName());
        gen.writeFieldName(DM);
        gen.writeStartArray();
        for (DmRecord r : dm.records()) {
            gen.writeStartObject();
            gen.writeFieldName(TYPE);
            gen.writeString(r instanceof DmControl ? DM_CTRL : DM_EVENT);
            stringField(MODULE, r.module());
            stringField(OP, r.op());
            stringField(DEV, device(r.device()));
            gen.writeFieldName(SUCCESS);
            gen.writeBoolean(r.success());
            if (r instanceof DmControl c) {
                stringField(ERROR_MSG, c.errorMsg());
            } else if (r instanceof DmData d) {
                gen.writeFieldName(SECTOR);
                if (d.hasSector()) {
                    gen.writeNumber(d.sector());
                } else {
                    gen.writeNull();
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
        stringField(TYPE, r.typeName());
        gen.writeFieldName(TYPE_NUM);
        gen.writeNumber(r.type());
        if (r.receivedType() != r.type()) {
            gen.writeFieldName(RECEIVED_TYPE);
            gen.writeNumber(r.receivedType());
        }
        if (r.node() != null) {
            stringField(NODE, r.node());
        }
        writePairs(FIELDS, r.fields());
        if (interpreter != null) {
            writeInterpreted(r);
        }
        if (r.enriched().size() > 0) {
            writePairs(ENRICHED, r.enriched());
        }
        gen.writeEndObject();
    }

    /** Pairs, not an object: records may repeat a key and their order matters. */
    private void writePairs(SerializableString name, AuditFields f) throws IOException {
        gen.writeFieldName(name);
        gen.writeRawValue(pairs.encode(f));
    }

    /** Parallel to {@code fields}: the same keys, each value as ausearch -i shows it (or as decoded when it has no interpretation). */
    private void writeInterpreted(AuditRecord r) throws IOException {
        AuditFields f = r.fields();
        gen.writeFieldName(INTERPRETED);
        gen.writeStartArray();
        for (int i = 0; i < f.size(); i++) {
            String shown = interpreter.interpret(r, i);
            gen.writeStartArray();
            gen.writeString(f.key(i));
            gen.writeString(shown != null ? shown : f.value(i));
            gen.writeEndArray();
        }
        gen.writeEndArray();
    }

    @Override
    public void flush() throws IOException {
        gen.flush();
    }
}
