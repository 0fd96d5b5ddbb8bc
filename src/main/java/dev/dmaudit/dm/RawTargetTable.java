package dev.dmaudit.dm;

import java.util.List;

/**
 * Table parameters of a target type this package does not decode, or that did not parse.
 *
 * @param params the parameters split on spaces (crypt and integrity keys still redacted)
 */
public record RawTargetTable(List<String> params) implements TargetTable {
    /** Copies the list so the record stays immutable. */
    public RawTargetTable {
        params = List.copyOf(params);
    }
}
