package dev.dmaudit.dm;

import java.util.List;

/**
 * Table parameters of a {@code linear} target: {@code <device> <offset>}.
 *
 * @param device backing device
 * @param offset start sector on it
 */
public record LinearTargetTable(String device, long offset) implements TargetTable {
    @Override
    public List<String> params() {
        return List.of(device, Long.toString(offset));
    }
}
