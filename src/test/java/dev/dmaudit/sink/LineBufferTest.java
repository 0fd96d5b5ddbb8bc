package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.record.AuditLogParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The byte path of the text and raw outputs writes what the Writer path it replaced wrote. */
class LineBufferTest {
    @Test
    void encodesAsOutputStreamWriterDid() throws IOException {
        SplittableRandom r = new SplittableRandom(15);
        char[] pool = {'a', ' ', '\\', 0x1b, 0x7f, 0xe9, 0x202e, 0x4e2d, 0xd83d, 0xde00, '\n'};
        ByteArrayOutputStream mine = new ByteArrayOutputStream();
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        LineBuffer buf = new LineBuffer(mine);
        ByteArrayOutputStream lines = new ByteArrayOutputStream(); // the text output's TextLine
        TextLine text = new TextLine(4);
        Writer w = new OutputStreamWriter(theirs, StandardCharsets.UTF_8);
        for (int line = 0; line < 5_000; line++) {
            StringBuilder s = new StringBuilder();
            int n = r.nextInt(0, 40);
            for (int i = 0; i < n; i++) {
                s.append(pool[r.nextInt(pool.length)]); // lone surrogates too: '?' in both
            }
            buf.text(s);
            buf.endLine();
            text.clear(64);
            text.append(s.toString()).append('\n');
            lines.write(text.bytes(), 0, text.length());
            w.write(s.toString());
            w.write('\n');
        }
        buf.flush();
        w.flush();
        assertThat(mine.toByteArray()).isEqualTo(theirs.toByteArray());
        assertThat(lines.toByteArray()).isEqualTo(theirs.toByteArray());
    }

    @Test
    void textLineWritesNumbersCharsAndNullAsStringBuilderDoes() {
        long[] numbers = {0, 7, -7, 10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Integer.MIN_VALUE};
        TextLine line = new TextLine(1);
        StringBuilder sb = new StringBuilder();
        for (long v : numbers) {
            line.append(v).append(' ');
            sb.append(v).append(' ');
        }
        line.append((String) null).append('\u2192').append('x');
        sb.append((String) null).append('\u2192').append('x');
        assertThat(line.toString()).isEqualTo(sb.toString());
    }

    @Test
    void rawCopiesAsciiLinesAndDecodesTheRest() throws IOException {
        byte[][] lines = {
            "type=DM_EVENT msg=audit(1795838689.008:1): module=integrity op=integrity-checksum dev=254:0 sector=8 res=0"
                    .getBytes(StandardCharsets.US_ASCII),
            "type=USER msg=audit(1795838689.008:2): msg='caf\u00e9 x'".getBytes(StandardCharsets.UTF_8),
            "type=USER msg=audit(1795838689.008:3): msg='bad \u00ff\u00fe byte'".getBytes(StandardCharsets.ISO_8859_1),
            "type=USER msg=audit(1795838689.008:4): msg='a\rb'".getBytes(StandardCharsets.US_ASCII),
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WriterSink sink = WriterSink.of(OutputFormat.RAW, out);
        StringBuilder expected = new StringBuilder();
        for (byte[] l : lines) {
            var rec = new AuditLogParser().parse(l);
            sink.accept(Event.of(new AuditEvent(rec.serial(), rec.timeMillis(), List.of(rec), AuditEvent.Completion.STANDALONE), null));
            expected.append(rec.originalLine().replace('\r', ' ')).append('\n');
        }
        sink.endOfBurst();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("caf\u00e9 x", "bad \ufffd\ufffd byte", "a b");
    }

    @Test
    void isoTimeAppendsWhatItFormats() {
        IsoTime t = new IsoTime();
        for (long ms : new long[] {0, 1, 1000, 1795838689008L, -1001}) {
            assertThat(t.appendTo(new TextLine(1).append("x"), ms).toString()).isEqualTo("x" + t.text(ms));
        }
    }
}
