package dev.dmaudit.api;

/**
 * A snapshot of a listener's counters. Every record that reached us and was not delivered is in
 * one of the loss counters; nothing is dropped silently.
 *
 * @param datagrams        datagrams received from the kernel
 * @param records          audit records decoded
 * @param malformed        datagrams or records that failed to decode (counted, logged, skipped)
 * @param events           events completed by grouping
 * @param delivered        events handed to the consumer
 * @param droppedByQueue   events dropped because the consumer was slower than the kernel
 * @param coalesced        DM_EVENT repeats folded into summary events (they are counted there)
 * @param enobufs          ENOBUFS on the socket: the kernel could not queue records for us (loss).
 *                         It counts overrun notifications, not records: one can stand for very
 *                         many (2 for ~900,000 records lost in docs/reliability-figures.md), and the
 *                         kernel does not say how many. Any value above 0 means records were lost
 * @param kernelLostDelta  growth of the kernel's {@code lost} counter since start (the kernel's
 *                         own backlog overflow, not necessarily records we missed in multicast mode)
 * @param nonKernelSenders messages from a sender other than the kernel, dropped
 * @param timedOutEvents   events completed by the grouping timeout (no EOE seen)
 * @param evictedEvents    events emitted early to bound memory
 * @param consumerErrors   exceptions thrown by the callback (counted, logged; delivery goes on)
 * @param replaceProbes    AUDIT_REPLACE messages: in daemon mode, another process tried to take the
 *                         audit daemon slot (the kernel keeps it for us while we answer)
 */
public record Metrics(long datagrams, long records, long malformed, long events, long delivered,
                      long droppedByQueue, long coalesced, long enobufs, long kernelLostDelta,
                      long nonKernelSenders, long timedOutEvents, long evictedEvents, long consumerErrors,
                      long replaceProbes) {
}
