package dev.dmaudit.kafka;

/**
 * One event ready for Kafka, as the spool keeps it.
 *
 * @param id    the event id (also in the value and the {@code dmaudit.event_id} header)
 * @param kind  {@code dm_data}, {@code dm_control} or {@code audit} (the {@code dmaudit.kind} header)
 * @param key   host id + device
 * @param value the JSON object
 */
record Spooled(String id, String kind, byte[] key, byte[] value) {
    /** @return bytes this record takes in the spool (its arrays and a rough per-object cost) */
    long size() {
        return key.length + value.length + 2L * (id.length() + kind.length()) + 64;
    }
}
