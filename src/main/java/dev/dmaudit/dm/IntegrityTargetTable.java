package dev.dmaudit.dm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Table parameters of a {@code integrity} target:
 * {@code <device> <offset> <tag_size> <mode> <#opts> <opts...>}.
 *
 * @param device   backing device (MAJOR:MINOR or path)
 * @param offset   reserved sectors at the start of the device
 * @param tagSize  bytes of tag per sector
 * @param mode     journal, bitmap, direct or recovery
 * @param options  optional arguments such as {@code internal_hash:sha256}; keys redacted unless shown
 */
public record IntegrityTargetTable(String device, long offset, int tagSize, IntegrityMode mode,
                                   List<String> options) implements TargetTable {

    /** Copies the options so the record stays immutable. */
    public IntegrityTargetTable {
        options = List.copyOf(options);
    }

    /**
     * @param name an option name such as {@code internal_hash} or {@code journal_sectors}
     * @return its value (what follows the first colon), or "" for a flag, or empty when absent
     */
    public Optional<String> option(String name) {
        for (String o : options) {
            if (o.equals(name)) {
                return Optional.of("");
            }
            if (o.startsWith(name + ":")) {
                return Optional.of(o.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> params() {
        List<String> p = new ArrayList<>(List.of(device, Long.toString(offset), Integer.toString(tagSize),
                String.valueOf(mode.code()), Integer.toString(options.size())));
        p.addAll(options);
        return List.copyOf(p);
    }
}
