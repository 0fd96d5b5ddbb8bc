package dev.dmaudit.event;

/**
 * Counters of an {@link EventAssembler}.
 *
 * @param records    records accepted
 * @param events     events emitted
 * @param timedOut   events emitted by the grouping timeout
 * @param evicted    events emitted early because too many were open
 * @param strayEoe   EOE records whose event was already emitted (late after a timeout) or never seen
 * @param open       events open now
 */
public record AssemblerStats(long records, long events, long timedOut, long evicted, long strayEoe, int open) {
}
