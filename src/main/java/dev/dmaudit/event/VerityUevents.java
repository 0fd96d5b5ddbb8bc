package dev.dmaudit.event;

import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.record.Uevent;
import java.util.List;

/**
 * dm-verity's corruption uevent as a DM data event. For each of the first 100 corruption errors of
 * a table, {@code verity_handle_err} sends a KOBJ_CHANGE uevent on the dm device with
 * {@code DM_VERITY_ERR_BLOCK_NR=<type>,<block>} (type 0: a data block, 1: a hash block), in every
 * mode — also in {@code ignore_corruption} (logging) mode, where no {@code verify-data} audit
 * record is written (docs/kernel-facts.md). The event made from it has one {@link DmData} record:
 * module {@code verity}, op {@code verify-data} or {@code verify-metadata}, the dm device (from the
 * uevent's MAJOR and MINOR; the audit records of these ops name the data device instead), the
 * block number as its sector, res=0, and {@link DmEvent.Origin#UEVENT}. Its audit part has serial 0
 * (no audit serial) and no records.
 */
public final class VerityUevents {
    /** The variable dm-verity sets (DM_VERITY_ENV_VAR_NAME). */
    public static final String ERR_BLOCK_NR = "DM_VERITY_ERR_BLOCK_NR";

    private VerityUevents() {
    }

    /**
     * @param u         a decoded kernel uevent
     * @param nowMillis its receive time
     * @return the verity data event, or null when the uevent is not a well-formed dm-verity
     *     corruption uevent of a block device
     */
    public static Event from(Uevent u, long nowMillis) {
        String err = u.get(ERR_BLOCK_NR);
        if (err == null || !"block".equals(u.get("SUBSYSTEM"))) {
            return null;
        }
        int comma = err.indexOf(',');
        if (comma != 1 || (err.charAt(0) != '0' && err.charAt(0) != '1')) {
            return null;
        }
        long block = Uevent.decimal(err, comma + 1, err.length());
        DeviceNumber dev = DeviceNumber.parse(u.get("MAJOR") + ":" + u.get("MINOR"));
        if (block < 0 || dev == null) {
            return null;
        }
        String op = err.charAt(0) == '0' ? "verify-data" : "verify-metadata";
        AuditEvent audit = new AuditEvent(0, nowMillis, List.<AuditRecord>of(), AuditEvent.Completion.STANDALONE);
        DmEvent dm = new DmEvent(0, nowMillis, List.of(new DmData("verity", op, dev, block, false)), null, null, null, u);
        return Event.of(audit, dm);
    }
}
