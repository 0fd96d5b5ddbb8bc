package dev.dmaudit.api;

import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.Sink;
import dev.dmaudit.record.MalformedRecordException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * auditd's {@code audit.log} text in, events out: the same {@link EventPipeline} the live listener
 * runs, fed line by line, with the records' own times driving the grouping (a file decodes the
 * same at any speed). Streaming: memory stays bounded by the open events, whatever the file size.
 *
 * <pre>{@code
 * AuditLogDecoder d = new AuditLogDecoder(EventPipeline.builder(), List.of(mySink), 1 << 20);
 * Metrics m = d.decode(in, (line, reason) -> warn(line + ": " + reason));
 * }</pre>
 */
public final class AuditLogDecoder {
    /** Told of each line that is not an audit record; decoding goes on. */
    @FunctionalInterface
    public interface MalformedLines {
        /**
         * @param lineNumber 1-based line number
         * @param reason     why it was skipped
         */
        void skipped(long lineNumber, String reason);
    }

    private final EventPipeline pipeline;
    private final Sinks sinks;
    private final int maxLineBytes;
    private long lines;

    /**
     * @param pipeline     the pipeline's settings (filter, type mapping, grouping); its sink is set here
     * @param sinks        where events go, in order (see {@link Sink}: a failing one is not called again)
     * @param maxLineBytes the longest line; a longer one is skipped and reported
     */
    public AuditLogDecoder(EventPipeline.Builder pipeline, List<Sink> sinks, int maxLineBytes) {
        if (maxLineBytes < 64) {
            throw new IllegalArgumentException("maxLineBytes below 64");
        }
        this.sinks = Sinks.of(sinks);
        this.pipeline = pipeline.sink(this.sinks).build();
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Decodes to the end of the input (or until every sink failed), flushes open events and closes
     * the sinks.
     *
     * @param in        the log text (not closed here)
     * @param malformed told of each skipped line
     * @return the counters (datagrams 0)
     * @throws IOException when the input cannot be read; an output failure is {@link #sinkFailure()}
     */
    public Metrics decode(InputStream in, MalformedLines malformed) throws IOException {
        try {
            LineReader reader = new LineReader(in, maxLineBytes);
            byte[] line;
            while ((line = reader.next()) != null && sinks.firstFailure() == null) {
                lines++;
                if (line.length == 0) {
                    continue;
                }
                if (reader.lastWasTruncated()) {
                    malformed.skipped(lines, "line longer than " + maxLineBytes + " bytes");
                    continue;
                }
                try {
                    pipeline.acceptLogLine(line);
                } catch (MalformedRecordException e) {
                    malformed.skipped(lines, e.getMessage());
                }
            }
            pipeline.flush();
        } finally {
            sinks.close();
        }
        return metrics();
    }

    /** @return the counters so far */
    public Metrics metrics() {
        return new Metrics(0, pipeline.records(), pipeline.malformed(), pipeline.events(), sinks.delivered(), 0,
                pipeline.coalesced(), 0, OptionalLong.empty(), 0, 0, pipeline.timedOut(), pipeline.evicted(),
                pipeline.truncated(), 0, sinks.failures(), pipeline.replaceProbes(), 0, 0, 0, 0,
                sinks.eachCounters());
    }

    /** @return lines read so far */
    public long lines() {
        return lines;
    }

    /** @return the first output failure, or null */
    public IOException sinkFailure() {
        return sinks.firstFailure();
    }
}
