package dev.dmaudit.dm;

import java.util.List;

/**
 * Status of a target type this package does not decode, or that did not parse.
 *
 * @param params the status parameters split on spaces
 */
public record RawTargetStatus(List<String> params) implements TargetStatus {
    /** Copies the list so the record stays immutable. */
    public RawTargetStatus {
        params = List.copyOf(params);
    }
}
