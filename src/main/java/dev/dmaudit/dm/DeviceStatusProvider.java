package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import java.util.Optional;

/**
 * Enrichment hook for the event listener. Implementations must be cheap to call in a burst: they
 * rate-limit and cache, and never throw.
 */
public interface DeviceStatusProvider {

    /**
     * @param id a device-mapper device number from an event
     * @return its health, possibly a cached (stale) one; empty when unknown or not obtainable
     */
    Optional<DeviceHealth> lookup(DeviceNumber id);

    /**
     * @param name a device-mapper name from an event
     * @return its health, possibly a cached (stale) one; empty when unknown, refused or not obtainable
     */
    Optional<DeviceHealth> lookup(String name);
}
