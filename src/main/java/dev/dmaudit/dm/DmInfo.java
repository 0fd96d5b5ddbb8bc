package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

/**
 * One device from {@code dmsetup info -c} with explicit fields.
 *
 * @param name        device-mapper name
 * @param id          device number
 * @param attributes  dmsetup's attr field, four letters: (L)ive, (I)nactive, (s)uspended, (r)ead-only or read-(w)rite
 * @param openCount   number of openers
 * @param segments    number of segments (targets) in the live table
 * @param eventNumber number of the most recent event
 * @param uuid        device UUID; "" when none
 */
public record DmInfo(String name, DeviceNumber id, String attributes, int openCount, int segments,
                     long eventNumber, String uuid) {

    /** @return whether a live table is loaded */
    public boolean liveTable() {
        return attr(0) == 'L';
    }

    /** @return whether an inactive table is loaded, waiting for a resume */
    public boolean inactiveTable() {
        return attr(1) == 'I';
    }

    /** @return whether the device is suspended */
    public boolean suspended() {
        return attr(2) == 's';
    }

    /** @return whether the device is read-only */
    public boolean readOnly() {
        return attr(3) == 'r';
    }

    private char attr(int i) {
        return i < attributes.length() ? attributes.charAt(i) : '-';
    }
}
