package dev.dmaudit.dm;

/** Status of a {@code linear} target: the kernel reports nothing for it. */
public record LinearTargetStatus() implements TargetStatus {
}
