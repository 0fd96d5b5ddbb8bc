package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the listener adds to a device-mapper event: what the device is and how healthy it is now.
 *
 * @param id             device number
 * @param name           device-mapper name
 * @param targetType     type of the first segment, e.g. {@code integrity}
 * @param backingDevice  device under the first segment (MAJOR:MINOR or path), when the type has one
 * @param mismatches     integrity mismatches summed over the integrity segments; empty for other types
 * @param status         the first segment's parsed status
 * @param observedAt     when the tools were asked
 * @param stale          true when this is an earlier result, returned because of rate limits or an error
 */
public record DeviceHealth(DeviceNumber id, String name, String targetType, Optional<String> backingDevice,
                           OptionalLong mismatches, TargetStatus status, Instant observedAt, boolean stale) {

    /** @return the same result marked as served from the cache */
    public DeviceHealth asStale() {
        return stale ? this : new DeviceHealth(id, name, targetType, backingDevice, mismatches, status, observedAt, true);
    }
}
