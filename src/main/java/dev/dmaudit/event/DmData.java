package dev.dmaudit.event;

import dev.dmaudit.record.DeviceNumber;

/**
 * AUDIT_DM_EVENT: a target detected an integrity problem.
 *
 * @param module  target module
 * @param op      e.g. {@code integrity-checksum}, {@code integrity-aead}, {@code verify-data}
 * @param device  the device the kernel names (for dm-crypt's integrity-aead, the {@code _dif}
 *                integrity device under the crypt device)
 * @param sector  the sector (a block number for verity), or -1 for {@code sector=?} (target-level)
 * @param success res=1
 */
public record DmData(String module, String op, DeviceNumber device, long sector, boolean success)
        implements DmRecord {
    /** @return true when the record named a sector (bio-level), false for {@code sector=?} */
    public boolean hasSector() {
        return sector >= 0;
    }
}
