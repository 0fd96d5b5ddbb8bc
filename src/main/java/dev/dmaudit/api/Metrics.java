package dev.dmaudit.api;

import dev.dmaudit.event.SinkCounters;
import java.util.List;
import java.util.OptionalLong;

/**
 * A snapshot of a listener's counters — the one counter record of dmaudit. Every record that
 * reached us and was not delivered is in one of the loss counters; nothing is dropped silently.
 *
 * @param datagrams          datagrams received from the kernel
 * @param records            audit records decoded
 * @param malformed          datagrams or records that failed to decode (counted, logged, skipped)
 * @param events             events completed by grouping
 * @param delivered          events handed to the consumer (callback, sinks or {@code take})
 * @param droppedByQueue     events dropped because the consumer was slower than the kernel
 * @param coalesced          DM_EVENT repeats folded into summary events (they are counted there)
 * @param enobufs            ENOBUFS on the socket: the kernel could not queue records for us (loss).
 *                           It counts overrun notifications, not records: one can stand for very
 *                           many, and the kernel does not say how many. Above 0 means records were lost
 * @param kernelLostDelta    growth of the kernel's {@code lost} counter since start (the kernel's own
 *                           backlog overflow, not necessarily records we missed in multicast mode);
 *                           empty when it cannot be read (no CAP_AUDIT_CONTROL): unknown, not 0
 * @param nonKernelSenders   messages from a sender other than the kernel, dropped
 * @param truncatedDatagrams datagrams longer than the receive buffer (MSG_TRUNC), dropped
 * @param timedOutEvents     events completed by the grouping timeout (no EOE seen)
 * @param evictedEvents      events emitted early to bound memory
 * @param truncatedEvents    events emitted early at the cap on records per event
 * @param consumerErrors     exceptions thrown by the callback (counted, logged; delivery goes on)
 * @param sinkFailures       sink calls that failed (that sink is not called again)
 * @param replaceProbes      AUDIT_REPLACE messages: in daemon mode, another process tried to take the
 *                           audit daemon slot (the kernel keeps it for us while we answer)
 * @param uevents            dm-verity corruption uevents made into events (uevents on)
 * @param ueventsDeduplicated verity uevents not reported because an audit record reported the same
 *                           block (both arrived within the dedupe window)
 * @param ueventsMalformed   uevent datagrams that failed to decode (counted, skipped)
 * @param ueventEnobufs      ENOBUFS on the uevent socket: the kernel dropped uevents for us (loss)
 * @param sinks              each counting sink's own counters (delivered, dropped by its bounded
 *                           queue or rate limit, failed), in the order the sinks were added
 */
public record Metrics(long datagrams, long records, long malformed, long events, long delivered,
                      long droppedByQueue, long coalesced, long enobufs, OptionalLong kernelLostDelta,
                      long nonKernelSenders, long truncatedDatagrams, long timedOutEvents, long evictedEvents,
                      long truncatedEvents, long consumerErrors, long sinkFailures, long replaceProbes,
                      long uevents, long ueventsDeduplicated, long ueventsMalformed, long ueventEnobufs,
                      List<SinkCounters> sinks) {
    /** Defensive copy. */
    public Metrics {
        sinks = List.copyOf(sinks);
    }

    /** @return the kernel lost delta as text: the number, or {@code unknown} */
    public String kernelLostDeltaText() {
        return kernelLostDelta.isPresent() ? Long.toString(kernelLostDelta.getAsLong()) : "unknown";
    }
}
