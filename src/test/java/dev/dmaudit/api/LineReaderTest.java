package dev.dmaudit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines as bytes, in blocks: the same lines whatever the block boundaries, long lines cut and flagged. */
class LineReaderTest {
    private static List<String> lines(InputStream in, int max) throws IOException {
        LineReader r = new LineReader(in, max);
        List<String> out = new ArrayList<>();
        byte[] l;
        while ((l = r.next()) != null) {
            out.add(new String(l, StandardCharsets.ISO_8859_1) + (r.lastWasTruncated() ? "<cut>" : ""));
        }
        return out;
    }

    /** Hands out at most {@code chunk} bytes per read, as a pipe may. */
    private static InputStream chunked(String s, int chunk) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void sameLinesWhateverTheReadSizes() throws IOException {
        String text = "a=1\n\nb=22\nlast without newline";
        for (int chunk : new int[] {1, 2, 3, 7, 1 << 16}) {
            assertThat(lines(chunked(text, chunk), 1024)).as("chunk %d", chunk)
                    .containsExactly("a=1", "", "b=22", "last without newline");
        }
        assertThat(lines(chunked("", 4), 1024)).isEmpty();
        assertThat(lines(chunked("\n", 4), 1024)).containsExactly("");
    }

    @Test
    void aLineLongerThanTheCapIsCutAndFlaggedAndTheNextOneIsWhole() throws IOException {
        String longLine = "x".repeat(200_000);
        for (int chunk : new int[] {5, 1 << 16}) {
            assertThat(lines(chunked(longLine + "\nok\n", chunk), 100))
                    .containsExactly("x".repeat(100) + "<cut>", "ok");
        }
    }
}
