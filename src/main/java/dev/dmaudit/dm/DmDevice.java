package dev.dmaudit.dm;

/**
 * One line of {@code dmsetup ls}.
 *
 * @param name device-mapper name
 * @param id   its device number
 */
public record DmDevice(String name, DeviceId id) {
}
