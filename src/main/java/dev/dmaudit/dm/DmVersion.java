package dev.dmaudit.dm;

import java.util.Optional;

/**
 * Versions reported by {@code dmsetup version}.
 *
 * @param library libdevmapper version, e.g. {@code 1.02.185 (2022-05-18)}
 * @param driver  kernel driver version; empty when the kernel has no device-mapper
 */
public record DmVersion(String library, Optional<String> driver) {
}
