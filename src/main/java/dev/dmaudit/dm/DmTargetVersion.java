package dev.dmaudit.dm;

/**
 * One line of {@code dmsetup targets}: a target type the kernel has loaded.
 *
 * @param name    target type, e.g. {@code integrity}
 * @param version its version, e.g. {@code v1.10.0}
 */
public record DmTargetVersion(String name, String version) {
}
