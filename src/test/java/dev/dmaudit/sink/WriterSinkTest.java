package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.record.AuditLogParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** written() counts what reached the stream, not what was formatted (a full disk in the middle). */
class WriterSinkTest {
    private static Event event(long serial) {
        var r = new AuditLogParser().parse("type=DM_EVENT msg=audit(1795838689.008:" + serial
                + "): module=integrity op=integrity-checksum dev=254:0 sector=" + serial + " res=0");
        return Event.of(new AuditEvent(serial, r.timeMillis(), List.of(r), AuditEvent.Completion.STANDALONE), null);
    }

    /** Takes bytes until {@code room} is used up, then fails like write(2) on a full disk. */
    private static final class FullDisk extends OutputStream {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        private int room;

        FullDisk(int room) {
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = Math.min(len, room);
            got.write(b, off, n);
            room -= n;
            if (n < len) {
                throw new IOException("No space left on device");
            }
        }
    }

    @Test
    void onlyFlushedEventsCount() throws IOException {
        for (OutputFormat f : OutputFormat.values()) {
            FullDisk disk = new FullDisk(700);
            WriterSink sink = WriterSink.of(f, disk);
            long serial = 1;
            IOException failure = null;
            try {
                for (; serial < 100; serial++) {
                    sink.accept(event(serial));
                    sink.endOfBurst(); // one event a burst: each flush is one write
                }
            } catch (IOException e) {
                failure = e;
            }
            assertThat(failure).as(f.name()).hasMessage("No space left on device");
            String text = disk.got.toString(StandardCharsets.UTF_8);
            long wholeLines = text.chars().filter(c -> c == '\n').count();
            // raw: one line per record (no EOE for a standalone record), so lines = events here
            assertThat(sink.written()).as(f + ": counted vs lines that reached the disk").isEqualTo(wholeLines);
            assertThat(sink.written()).isLessThan(serial);
        }
    }

    /** The warm-up's twin formats as the sink does but writes nowhere and never asks for the device status. */
    @Test
    void warmUpTwinWritesNothingAndSkipsTheStatusLookup() throws IOException {
        for (OutputFormat f : OutputFormat.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int[] lookups = {0};
            WriterSink sink = WriterSink.of(f, out, e -> {
                lookups[0]++;
                return null;
            });
            var twin = sink.warmUpTwin();
            assertThat(twin).as(f.name()).isInstanceOf(WriterSink.class).isNotSameAs(sink);
            for (long serial = 1; serial <= 50; serial++) {
                twin.accept(event(serial));
                twin.endOfBurst();
            }
            twin.close();
            assertThat(((WriterSink) twin).written()).as(f + ": the twin formatted and flushed them").isEqualTo(50);
            assertThat(out.size()).as(f + ": nothing reached the real output").isZero();
            assertThat(lookups[0]).as(f + ": no status lookup (it runs dmsetup)").isZero();
            assertThat(sink.written()).isZero();
        }
    }
}
