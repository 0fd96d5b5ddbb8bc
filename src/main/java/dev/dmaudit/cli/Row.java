package dev.dmaudit.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One result object as ordered fields, so text and JSON output are made from the same data. Values
 * are String, Long, Integer, Boolean, List of String, or null (absent).
 */
final class Row {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Row put(String key, Object value) {
        if (value != null && !(value instanceof String || value instanceof Long || value instanceof Integer
                || value instanceof Boolean || value instanceof List)) {
            throw new IllegalArgumentException("unsupported value type for " + key + ": " + value.getClass());
        }
        fields.put(key, value);
        return this;
    }

    Row put(String key, OptionalLong value) {
        return put(key, value.isPresent() ? (Object) value.getAsLong() : null);
    }

    Row put(String key, OptionalInt value) {
        return put(key, value.isPresent() ? (Object) value.getAsInt() : null);
    }

    Row put(String key, Optional<String> value) {
        return put(key, value.orElse(null));
    }

    Map<String, Object> fields() {
        return Collections.unmodifiableMap(fields);
    }
}
