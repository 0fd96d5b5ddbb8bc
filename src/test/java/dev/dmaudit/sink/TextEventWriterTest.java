package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextEventWriterTest {
    private static final String[] PARTS = {"a=b", " ", "msg='x y'", "\\", "\u001b[31m", "\t", "\u007f", "\u202e", "\u0085",
        "\u00e9", "\ud83d\ude00", "cwd=\"/tmp\"", "\u200b", "=", "\ufeff"};

    /**
     * The writer copies a plain ASCII record body as bytes and escapes any other through Sanitize:
     * either way its line is the one {@link TextEventWriter#line(Event)} makes from Strings.
     */
    @Test
    void nonDmEventsWriteWhatTheStringPathWrites() throws IOException {
        AuditLogParser parser = new AuditLogParser();
        Random rnd = new Random(15);
        for (int i = 0; i < 5_000; i++) {
            List<AuditRecord> records = new ArrayList<>();
            for (int n = rnd.nextInt(4) + 1; n > 0; n--) {
                StringBuilder body = new StringBuilder();
                for (int k = rnd.nextInt(6); k > 0; k--) {
                    body.append(rnd.nextInt(3) == 0 ? PARTS[rnd.nextInt(PARTS.length)] : PARTS[rnd.nextInt(3)]);
                }
                String type = rnd.nextBoolean() ? "CWD" : "UNKNOWN[1900]";
                byte[] line = ("type=" + type + " msg=audit(1795838689.00" + rnd.nextInt(10) + ":" + i + "): " + body)
                        .getBytes(StandardCharsets.UTF_8);
                if (rnd.nextInt(8) == 0) {
                    line[line.length - 1] = (byte) 0xff; // not UTF-8
                }
                records.add(parser.parse(line));
            }
            Event ev = Event.of(new AuditEvent(i, records.get(0).timeMillis(), records, AuditEvent.Completion.TIMEOUT), null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            EventWriter w = EventWriter.create(OutputFormat.TEXT, out);
            w.write(ev, null);
            w.write(ev, null);
            w.flush();
            String expected = TextEventWriter.line(ev) + "\n";
            assertThat(out.toString(StandardCharsets.UTF_8)).as("%s", records).isEqualTo(expected + expected);
        }
    }
}
