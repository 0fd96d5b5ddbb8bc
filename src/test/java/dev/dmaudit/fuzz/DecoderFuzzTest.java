package dev.dmaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuditRecordParser;
import dev.dmaudit.record.MalformedRecordException;
import dev.dmaudit.record.NetlinkFrames;
import dev.dmaudit.record.NetlinkMessage;
import dev.dmaudit.record.RecordTypes;
import dev.dmaudit.record.TypeMapping;
import dev.dmaudit.record.Uevent;
import dev.dmaudit.record.UeventParser;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.VerityUevents;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the decoder's entry points (datagrams, record payloads, log lines,
 * uevents). The property: on any input the
 * decoder returns or throws {@link MalformedRecordException}, nothing else; it does not hang
 * ({@code @Timeout} becomes libFuzzer's per-input {@code -timeout}); and no structure it builds
 * is larger than a small multiple of the input ({@link DecoderChecks}).
 *
 * <p>{@code mvn test} replays the seeds and kept findings under
 * {@code src/test/resources/dev/dmaudit/fuzz/DecoderFuzzTestInputs/METHOD/} (seeds made by
 * {@code tools/gen-fuzz-seeds} from the real captures and logs). {@code tools/fuzz SECONDS}
 * fuzzes each method in turn with Jazzer's driver. Through surefire instead:
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=DecoderFuzzTest#datagrams -Djazzer.hooks=true
 * -Djunit.jupiter.execution.timeout.mode=disabled} (one method per JVM; it runs for the
 * annotation's maxDuration, and without the last flag JUnit would end the whole run at the
 * per-input {@code @Timeout}).
 */
class DecoderFuzzTest {
    private static final AuditRecordParser RECORDS = new AuditRecordParser();
    /** The patch thread's numbering too: 1336/1337 read as DM_CTRL/DM_EVENT. */
    private static final AuditRecordParser ALIASED = new AuditRecordParser(TypeMapping.dmTypes(1336, 1337));
    private static final AuditLogParser LINES = new AuditLogParser();
    /** Types whose payloads are scanned differently: DM_CTRL, EXECVE (argv hex), USER (msg='…'). */
    private static final int[] PAYLOAD_TYPES = {RecordTypes.DM_CTRL, 1309, 1112, 1336};

    /**
     * A capture: datagrams, each preceded by its length as 2 bytes little-endian (a short last
     * one is cut to what is left). Each datagram goes through {@link NetlinkFrames#forEach}; each
     * audit record in it through the record parser; all records of the capture are grouped.
     */
    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void datagrams(byte[] capture) {
        DecoderChecks checks = new DecoderChecks(capture.length);
        int p = 0;
        int datagrams = 0;
        while (p + 2 <= capture.length) {
            int len = Math.min((capture[p] & 0xff) | (capture[p + 1] & 0xff) << 8, capture.length - p - 2);
            int start = p + 2;
            p = start + len;
            datagrams++;
            datagram(capture, start, len, checks);
        }
        DecoderChecks.check(datagrams <= capture.length / 2, "more datagrams than length prefixes");
        checks.finish();
    }

    private static void datagram(byte[] buf, int start, int len, DecoderChecks checks) {
        int[] seen = {0};
        try {
            int n = NetlinkFrames.forEach(buf, start, len, m -> {
                seen[0]++;
                DecoderChecks.check(m.payloadOffset() >= start + NetlinkMessage.HEADER_SIZE
                        && m.payloadLength() >= 0
                        && m.payloadOffset() + m.payloadLength() <= start + len, "payload outside the datagram");
                m.payload();
                if (m.type() == NetlinkMessage.NLMSG_ERROR) {
                    try {
                        m.isAck();
                    } catch (MalformedRecordException e) {
                        // a short NLMSG_ERROR: documented
                    }
                }
                if (NetlinkFrames.isAuditRecord(m.type())) {
                    try {
                        checks.record((m.type() == 1336 || m.type() == 1337 ? ALIASED : RECORDS).parse(m));
                    } catch (MalformedRecordException e) {
                        // not a record: documented
                    }
                }
            });
            DecoderChecks.check(n == seen[0] && n <= len / NetlinkMessage.HEADER_SIZE, "message count");
        } catch (MalformedRecordException e) {
            // a malformed datagram: documented
        }
    }

    /** The payload of one kernel record, parsed as each of the types that scan differently. */
    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void recordPayload(byte[] payload) {
        DecoderChecks checks = new DecoderChecks(payload.length);
        for (int type : PAYLOAD_TYPES) {
            AuditRecord r;
            try {
                r = (type == 1336 ? ALIASED : RECORDS).parse(type, payload, 0, payload.length);
            } catch (MalformedRecordException e) {
                continue;
            }
            checks.record(r);
        }
        checks.finish();
    }

    /** audit.log text: each line (split on '\n') through the log parser, records grouped. */
    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void logLines(byte[] text) {
        DecoderChecks checks = new DecoderChecks(text.length);
        int start = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '\n') {
                byte[] line = java.util.Arrays.copyOfRange(text, start, i);
                start = i + 1;
                AuditRecord r;
                try {
                    r = LINES.parse(line);
                } catch (MalformedRecordException e) {
                    continue;
                }
                checks.record(r);
            }
        }
        checks.finish();
    }

    /**
     * A kernel uevent datagram through {@link UeventParser} and, when it decodes, {@link VerityUevents}:
     * only MalformedRecordException, bounded variables, and text no longer than the input.
     */
    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void uevents(byte[] datagram) {
        Uevent u;
        try {
            u = UeventParser.parse(datagram, 0, datagram.length);
        } catch (MalformedRecordException e) {
            return;
        }
        DecoderChecks.check(u.keys().size() <= UeventParser.MAX_VARIABLES, "too many variables");
        int chars = u.action().length() + u.devpath().length();
        for (int i = 0; i < u.keys().size(); i++) {
            chars += u.keys().get(i).length() + u.values().get(i).length();
        }
        DecoderChecks.check(chars <= datagram.length, "more text than input");
        u.seqnum();
        Event e = VerityUevents.from(u, 0);
        DecoderChecks.check(e == null || e.dm().origin() == DmEvent.Origin.UEVENT, "origin");
    }
}
