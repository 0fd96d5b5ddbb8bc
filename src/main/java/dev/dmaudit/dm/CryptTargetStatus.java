package dev.dmaudit.dm;

/** Status of a {@code crypt} target: the kernel reports nothing for it. */
public record CryptTargetStatus() implements TargetStatus {
}
