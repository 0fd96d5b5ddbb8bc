package dev.dmaudit.fuzz;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.sink.OutputFormat;
import dev.dmaudit.sink.EventWriter;
import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fuzz tests do with every record the decoder accepts: touch every accessor a caller
 * may use, group the records, type the events and write them in every output format, checking
 * that no structure is larger than a small multiple of the input. A violated bound throws
 * {@link AssertionError}; any exception escaping from here is a finding.
 */
final class DecoderChecks {
    /** Grouping as the CLI does it: log time drives the timeout. */
    private static final long TIMEOUT_MILLIS = 2_000;
    private static final int MAX_OPEN = 16;

    private final int inputLength;
    private final CollectingSink events = new CollectingSink();
    private final EventPipeline pipeline = events.allInto(MAX_OPEN, TIMEOUT_MILLIS);
    private int records;

    /** @param inputLength the fuzzer input's size, the yardstick for every bound */
    DecoderChecks(int inputLength) {
        this.inputLength = inputLength;
    }

    /** Reads everything a caller can read from a decoded record, then queues it for grouping. */
    void record(AuditRecord r) {
        records++;
        check(records <= inputLength, "more records than input bytes");
        fields(r.fields());
        fields(r.fields().nested("msg"));
        fields(r.enriched());
        r.typeName();
        r.type();
        r.receivedType();
        r.node();
        r.time();
        r.eventId();
        checkLength(r.body(), "body");
        String line = r.toLogLine();
        // The log line adds the type name, event id and node to the body: bounded by the input.
        check(line.length() <= 2 * inputLength + 96, "log line larger than the input");
        pipeline.accept(r, r.timeMillis());
    }

    /** Emits the open events, types each one and writes it in every format. */
    void finish() {
        pipeline.flush();
        check(pipeline.openEvents() == 0, "events left open after flush");
        int grouped = 0;
        for (AuditEvent e : events.audit()) {
            grouped += e.records().size();
        }
        check(grouped <= records, "events hold more records than were decoded");
        EventWriter[] writers = {
            EventWriter.create(OutputFormat.JSON, NULL_OUT),
            EventWriter.create(OutputFormat.TEXT, NULL_OUT),
            EventWriter.create(OutputFormat.RAW, NULL_OUT),
        };
        try {
            for (Event ev : events.events) {
                AuditEvent e = ev.audit();
                DmEvent dm = ev.dm();
                if (dm != null) {
                    check(dm.records().size() <= e.records().size(), "more DM records than records");
                    for (DmRecord d : dm.records()) {
                        d.knownOp();
                        d.device();
                    }
                    dm.time();
                    dm.device();
                    dm.isData();
                }
                for (EventWriter w : writers) {
                    w.write(ev, null);
                }
            }
            for (EventWriter w : writers) {
                w.flush();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void fields(AuditFields f) {
        check(f.size() <= inputLength, "more fields than input bytes");
        for (int i = 0; i < f.size(); i++) {
            checkLength(f.key(i), "key");
            checkLength(f.raw(i), "raw value");
            checkLength(f.value(i), "value");
            f.kind(i);
        }
        f.asList();
        f.get("comm");
        f.getLong("pid", -1);
        f.has("res");
    }

    private void checkLength(String s, String what) {
        // UTF-8 decoding makes at most one char per byte; hex decoding halves the length.
        check(s.length() <= inputLength, what + " longer than the input");
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static final OutputStream NULL_OUT = OutputStream.nullOutputStream();
}
