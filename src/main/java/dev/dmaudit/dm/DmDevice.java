package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

/**
 * One line of {@code dmsetup ls}.
 *
 * @param name device-mapper name
 * @param id   its device number
 */
public record DmDevice(String name, DeviceNumber id) {
}
