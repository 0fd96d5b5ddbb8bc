package dev.dmaudit.cli;

import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.dm.DmEnricher;
import dev.dmaudit.event.Event;

/** {@code listen --enrich-status}: the device's current state from dmsetup, on the delivery thread. */
final class DeviceStatus {
    private DeviceStatus() {
    }

    static DeviceHealth of(DmEnricher enricher, Event e) {
        if (e.dm() == null || e.dm().device() == null) {
            return null;
        }
        return enricher.lookup(e.dm().device()).orElse(null);
    }
}
