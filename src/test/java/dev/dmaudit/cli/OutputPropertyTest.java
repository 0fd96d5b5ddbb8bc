package dev.dmaudit.cli;

import dev.dmaudit.sink.Sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.sink.OutputFormat;
import dev.dmaudit.sink.EventWriter;
import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuditRecordParser;
import dev.dmaudit.record.MalformedRecordException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property: whatever bytes a process puts in its comm, exe or command line, a target in its
 * error_msg, or a hostile audit.log in a type name or record body, the JSON writer prints one
 * complete, valid, pure-ASCII JSON object per line whose strings read back to exactly what the
 * decoder produced, and the TEXT writer prints nothing a terminal would act on (C0 controls, DEL,
 * C1 controls, bidi overrides and isolates). Checked on 20,000 seeded random cases, and fuzzed
 * by {@link #writersOnFuzzedText} (tools/fuzz).
 */
class OutputPropertyTest {
    private static final int ITERATIONS = 20_000;
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[][] HOSTILE = {
        {0x1b, '[', '3', '1', 'm'}, {0x1b, ']', '0', ';', 'x', 0x07}, {0x1b, '[', '2', 'J'}, {0x07}, {0x00},
        {'\n'}, {'\r'}, {'\t'}, {0x7f}, {'"'}, {'\''}, {'\\'}, {' '}, {'='}, {'(', ')'},
        {(byte) 0xe2, (byte) 0x80, (byte) 0xae},               // U+202E RIGHT-TO-LEFT OVERRIDE
        {(byte) 0xe2, (byte) 0x81, (byte) 0xa6},               // U+2066 LEFT-TO-RIGHT ISOLATE
        {(byte) 0xd8, (byte) 0x9c},                            // U+061C ARABIC LETTER MARK
        {(byte) 0xe2, (byte) 0x80, (byte) 0x8b},               // U+200B ZERO WIDTH SPACE
        {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},               // U+FEFF ZERO WIDTH NO-BREAK SPACE
        {(byte) 0xe2, (byte) 0x80, (byte) 0xa8},               // U+2028 LINE SEPARATOR
        {(byte) 0xc2, (byte) 0x9b},                            // U+009B CSI (C1)
        {(byte) 0xc2, (byte) 0x85},                            // U+0085 NEL (C1)
        {(byte) 0x9b}, {(byte) 0x80}, {(byte) 0xff}, {(byte) 0xc0, (byte) 0x80},     // invalid UTF-8
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80},               // an encoded surrogate: invalid
        {(byte) 0xf0, (byte) 0x9f, (byte) 0x98},               // a truncated 4-byte sequence
        {(byte) 0xc3, (byte) 0xa9}, {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80}, // é, 😀
        "integritysetup".getBytes(StandardCharsets.US_ASCII), "/usr/sbin/dmsetup".getBytes(StandardCharsets.US_ASCII),
    };

    /**
     * One generated case: the hostile texts and how the untrusted ones are written.
     *
     * @param encoding bits 0-1: comm/exe/proctitle as the kernel writes them (hex when needed,
     *                 else quoted), always hex, or raw between quotes (a forged log)
     */
    record Case(int encoding, byte[] comm, byte[] exe, byte[] errorMsg, byte[] proctitle, byte[] typeName,
                byte[] body) {
        @Override
        public String toString() {
            HexFormat h = HexFormat.of();
            return "Case[encoding=" + encoding + " comm=" + h.formatHex(comm) + " exe=" + h.formatHex(exe)
                    + " error_msg=" + h.formatHex(errorMsg) + " proctitle=" + h.formatHex(proctitle)
                    + " type=" + h.formatHex(typeName) + " body=" + h.formatHex(body) + "]";
        }
    }

    @Test
    void jsonAndTextStayCleanOnRandomBytes() {
        Random rnd = new Random(0x6d61756469744cL);
        Output out = new Output();
        for (int i = 0; i < ITERATIONS; i++) {
            Case c = new Case(rnd.nextInt(3), text(rnd), text(rnd), text(rnd), text(rnd), text(rnd), text(rnd));
            check(c, out);
        }
    }

    /**
     * The same property on fuzzer-chosen bytes: byte 0 picks the encoding, then six texts, each
     * a length byte and that many bytes (cut short at the end of the input).
     */
    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void writersOnFuzzedText(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int[] p = {1};
        check(new Case((data[0] & 0xff) % 3, part(data, p), part(data, p), part(data, p), part(data, p),
                part(data, p), part(data, p)), new Output());
    }

    /** A hostile text line reaches the TEXT writer's non-DM rendering with its type name. */
    @Test
    void unknownTypeNamesFromALogAreMadeVisible() throws IOException {
        AuditRecord r = new AuditLogParser().parse("type=\u001b]0;owned\u0007\u001b[2J msg=audit(1.000:1): a=b");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventWriter w = EventWriter.create(OutputFormat.TEXT, out);
        w.write(Event.of(new AuditEvent(1, 1000, List.of(r), AuditEvent.Completion.STANDALONE), null), null);
        w.flush();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("1970-01-01T00:00:01Z serial=1 | \\x1b]0;owned\\x07\\x1b[2J a=b\n");
    }

    private static byte[] part(byte[] data, int[] p) {
        if (p[0] >= data.length) {
            return new byte[0];
        }
        int n = Math.min(data[p[0]++] & 0xff, data.length - p[0]);
        byte[] out = Arrays.copyOfRange(data, p[0], p[0] + n);
        p[0] += n;
        return out;
    }

    private static byte[] text(Random rnd) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int tokens = rnd.nextInt(12);
        for (int i = 0; i < tokens; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> b.write(rnd.nextInt(256));
                case 1 -> b.write(0x20 + rnd.nextInt(0x5f));
                default -> b.writeBytes(HOSTILE[rnd.nextInt(HOSTILE.length)]);
            }
        }
        return b.toByteArray();
    }

    // ---- building the records as the kernel (or a forger) would write them ----

    private static void untrusted(ByteArrayOutputStream b, String key, byte[] v, int encoding) {
        b.writeBytes((" " + key + "=").getBytes(StandardCharsets.US_ASCII));
        boolean needsHex = false;
        for (byte c : v) {
            needsHex |= c < 0x21 || c > 0x7e || c == '"';
        }
        if (encoding == 1 || (encoding == 0 && needsHex)) {
            b.writeBytes(HexFormat.of().withUpperCase().formatHex(v).getBytes(StandardCharsets.US_ASCII));
        } else {
            b.write('"');
            b.writeBytes(v);
            b.write('"');
        }
    }

    private static AuditRecord kernelRecord(int type, long serial, ByteArrayOutputStream body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("audit(1795838678.484:" + serial + "):").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(body.toByteArray());
        byte[] payload = b.toByteArray();
        return new AuditRecordParser().parse(type, payload, 0, payload.length);
    }

    /** The case's records through the pipeline (every event kept), as delivered. */
    private static List<Event> delivered(Case c) {
        CollectingSink collected = new CollectingSink();
        EventPipeline assembler = collected.allInto(16, 2_000);
        ByteArrayOutputStream syscall = new ByteArrayOutputStream();
        syscall.writeBytes(" arch=c000003e syscall=16 success=no exit=-22 ppid=125 pid=184 uid=0"
                .getBytes(StandardCharsets.US_ASCII));
        untrusted(syscall, "comm", c.comm(), c.encoding());
        untrusted(syscall, "exe", c.exe(), c.encoding());
        ByteArrayOutputStream ctrl = new ByteArrayOutputStream();
        ctrl.writeBytes(" module=integrity op=ctr ppid=125 pid=184 auid=4294967295 uid=0 tty=(none) ses=4294967295"
                .getBytes(StandardCharsets.US_ASCII));
        untrusted(ctrl, "comm", c.comm(), c.encoding());
        untrusted(ctrl, "exe", c.exe(), c.encoding());
        // dm-audit writes error_msg with audit_log_format: the bytes as they are, in single quotes.
        ctrl.writeBytes(" subj=unconfined dev=254:0 error_msg='".getBytes(StandardCharsets.US_ASCII));
        ctrl.writeBytes(c.errorMsg());
        ctrl.writeBytes("' res=0".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream title = new ByteArrayOutputStream();
        untrusted(title, "proctitle", c.proctitle(), c.encoding());
        for (AuditRecord r : List.of(kernelRecord(1338, 8, ctrl), kernelRecord(1300, 8, syscall),
                kernelRecord(1327, 8, title), kernelRecord(1320, 8, new ByteArrayOutputStream()))) {
            assembler.accept(r, r.timeMillis());
        }
        // A forged audit.log line: any type name (up to the space), any body (up to the newline).
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes("node=".getBytes(StandardCharsets.US_ASCII));
        line.writeBytes(strip(c.comm(), ' ', '\n'));
        line.writeBytes(" type=".getBytes(StandardCharsets.US_ASCII));
        line.writeBytes(strip(c.typeName(), ' ', '\n'));
        line.writeBytes("x msg=audit(1795838679.000:9): ".getBytes(StandardCharsets.US_ASCII));
        line.writeBytes(strip(c.body(), '\n', '\n'));
        try {
            AuditRecord r = new AuditLogParser().parse(line.toByteArray());
            assembler.accept(r, r.timeMillis());
        } catch (MalformedRecordException e) {
            // a type name such as "EOE" or "UNKNOWN[…]" may make the line read differently: fine
        }
        assembler.flush();
        return collected.events;
    }

    private static byte[] strip(byte[] b, char a, char c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte x : b) {
            if (x != a && x != c) {
                out.write(x);
            }
        }
        return out.toByteArray();
    }

    // ---- the property ----

    /** One JSON and one TEXT writer, reused across cases (their buffers are large). */
    private static final class Output {
        final ByteArrayOutputStream jsonBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream textBytes = new ByteArrayOutputStream();
        final EventWriter json = EventWriter.create(OutputFormat.JSON, jsonBytes);
        final EventWriter text = EventWriter.create(OutputFormat.TEXT, textBytes);
    }

    private static void check(Case c, Output out) {
        List<Event> delivered = delivered(c);
        List<AuditEvent> events = delivered.stream().map(Event::audit).toList();
        List<DmEvent> dms = new ArrayList<>();
        for (Event e : delivered) {
            dms.add(e.dm());
        }
        byte[] json = write(out.json, out.jsonBytes, events, dms);
        byte[] text = write(out.text, out.textBytes, events, dms);
        List<byte[]> jsonLines = lines(json);
        List<byte[]> textLines = lines(text);
        assertThat(jsonLines).as("JSON lines for %s", c).hasSize(events.size());
        assertThat(textLines).as("TEXT lines for %s", c).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            checkJson(jsonLines.get(i), events.get(i), dms.get(i), c);
            checkText(textLines.get(i), dms.get(i), c);
        }
    }

    private static byte[] write(EventWriter w, ByteArrayOutputStream out, List<AuditEvent> events,
                                List<DmEvent> dms) {
        out.reset();
        try {
            for (int i = 0; i < events.size(); i++) {
                w.write(Event.of(events.get(i), dms.get(i)), null);
            }
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Splits on '\n', requiring the output to end with one. */
    private static List<byte[]> lines(byte[] out) {
        List<byte[]> lines = new ArrayList<>();
        assertThat(out.length == 0 || out[out.length - 1] == '\n').as("output ends with a newline").isTrue();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n') {
                lines.add(Arrays.copyOfRange(out, start, i));
                start = i + 1;
            }
        }
        return lines;
    }

    private static void checkJson(byte[] line, AuditEvent event, DmEvent dm, Case c) {
        for (byte b : line) {
            // Printable ASCII; DEL (0x7f) is ASCII and valid unescaped in JSON strings (RFC 8259
            // escapes only below 0x20), and terminals ignore it, so the writer may leave it.
            if (b < 0x20 || b > 0x7f) {
                throw new AssertionError(String.format("JSON byte 0x%02x in %s for %s", b & 0xff,
                        new String(line, StandardCharsets.ISO_8859_1), c));
            }
        }
        Object value;
        try (JsonParser p = JSON.createParser(line)) {
            assertThat(p.nextToken()).as("one object").isEqualTo(JsonToken.START_OBJECT);
            value = read(p);
            assertThat(p.nextToken()).as("nothing after the object").isNull();
        } catch (IOException e) {
            throw new AssertionError("invalid JSON " + new String(line, StandardCharsets.US_ASCII) + " for " + c, e);
        }
        Map<?, ?> o = (Map<?, ?>) value;
        List<?> records = (List<?>) o.get("records");
        assertThat(records).hasSize(event.records().size());
        for (int i = 0; i < records.size(); i++) {
            Map<?, ?> r = (Map<?, ?>) records.get(i);
            AuditRecord ar = event.records().get(i);
            assertThat(r.get("type")).isEqualTo(ar.typeName());
            assertThat(r.get("node")).isEqualTo(ar.node());
            assertThat(r.get("fields")).as("fields of %s", c).isEqualTo(pairs(ar.fields()));
        }
        if (dm == null) {
            assertThat(o.containsKey("dm")).isFalse();
            return;
        }
        Map<?, ?> d0 = (Map<?, ?>) ((List<?>) o.get("dm")).get(0);
        if (dm.first() instanceof DmControl ctl) {
            assertThat(d0.get("error_msg")).as("error_msg of %s", c).isEqualTo(ctl.errorMsg());
        }
        Map<?, ?> process = (Map<?, ?>) o.get("process");
        if (dm.process() != null) {
            assertThat(process.get("comm")).as("comm of %s", c).isEqualTo(dm.process().comm());
            assertThat(process.get("exe")).as("exe of %s", c).isEqualTo(dm.process().exe());
        } else {
            assertThat(process).isNull();
        }
        if (dm.syscall() != null) {
            Map<?, ?> sc = (Map<?, ?>) o.get("syscall");
            assertThat(sc.get("proctitle")).as("proctitle of %s", c).isEqualTo(dm.syscall().proctitle());
        }
    }

    private static List<List<String>> pairs(AuditFields f) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            out.add(List.of(f.key(i), f.value(i)));
        }
        return out;
    }

    /** Reads the value whose first token is current into maps, lists, strings, numbers, booleans. */
    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    if (m.put(name, read(p)) != null) {
                        throw new AssertionError("duplicate JSON key " + name);
                    }
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new AssertionError("unexpected JSON token " + t);
        }
    }

    private static void checkText(byte[] line, DmEvent dm, Case c) {
        String s = new String(line, StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean bad = ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch <= 0x9f)
                    || (ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2066 && ch <= 0x2069)
                    || ch == 0x061c || (ch >= 0x200b && ch <= 0x200f) || ch == 0x2060 || ch == 0xfeff;
            if (bad) {
                throw new AssertionError(String.format("TEXT char U+%04X at %d in %s for %s", (int) ch, i,
                        Sanitize.visible(s), c));
            }
        }
        if (dm != null && dm.process() != null) {
            assertThat(s).as("TEXT shows the comm for %s", c).contains(" by " + Sanitize.visible(dm.process().comm()) + "[");
        }
    }
}
