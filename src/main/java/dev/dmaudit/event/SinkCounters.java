package dev.dmaudit.event;

/**
 * What one sink did with the events handed to it, for {@code --stats}, the metrics endpoint and
 * the history's session rows. Every event a sink was given and did not deliver is in
 * {@code dropped} or {@code failed}: a sink never loses an event silently.
 *
 * @param sink      the sink's short name ({@code output}, {@code exec}, {@code journald}, …)
 * @param delivered events that reached the sink's destination (written, sent, stored)
 * @param dropped   events the sink gave up on by design: its bounded queue or buffer was full,
 *                  a rate limit, a collector down for longer than the buffer lasts
 * @param failed    events lost to an error (a write that failed, a peer that refused)
 */
public record SinkCounters(String sink, long delivered, long dropped, long failed) {
    /** @return {@code sink.NAME.delivered=N sink.NAME.dropped=N sink.NAME.failed=N} */
    public String statsText() {
        return "sink." + sink + ".delivered=" + delivered + " sink." + sink + ".dropped=" + dropped
                + " sink." + sink + ".failed=" + failed;
    }
}
