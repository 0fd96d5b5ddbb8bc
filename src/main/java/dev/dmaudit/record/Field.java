package dev.dmaudit.record;

/**
 * One field of a record, materialised.
 *
 * @param key   the key as written
 * @param raw   the value as written, quotes removed, hex not decoded
 * @param value the interpreted value: hex decoded (proctitle NULs as spaces), quotes removed
 * @param kind  how the value was written
 */
public record Field(String key, String raw, String value, ValueKind kind) {
}
