package dev.dmaudit.event;

import dev.dmaudit.record.DeviceNumber;

import java.time.Instant;
import java.util.List;

/**
 * A device-mapper audit event: the DM records of one serial with their context. A failed
 * constructor is one event holding {@code ctr res=0} and {@code dtr res=1}; a keyed-superblock
 * mismatch holds a DM_EVENT and the DM_CTRL records of the same ioctl.
 *
 * @param serial     the audit serial
 * @param timeMillis event time, epoch milliseconds
 * @param records    the DM records in arrival order (never empty)
 * @param process    the task, from the first DM_CTRL record; null for bio-level events
 * @param syscall    the SYSCALL/PROCTITLE context; null when the event had none
 * @param deviceName the mapped device's name when resolved, else null
 * @param uevent     the kernel uevent this event was made from ({@link Origin#UEVENT}: dm-verity's
 *                   corruption uevent, see {@link VerityUevents}); null for an event made of audit records
 */
public record DmEvent(long serial, long timeMillis, List<DmRecord> records, ProcessInfo process,
                      SyscallInfo syscall, String deviceName, dev.dmaudit.record.Uevent uevent) {
    /** Defensive copy; at least one record. */
    public DmEvent {
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a DM event has at least one DM record");
        }
    }

    /** @return the event time */
    public Instant time() {
        return Instant.ofEpochMilli(timeMillis);
    }

    /** Where an event came from. */
    public enum Origin {
        /** Audit records (NETLINK_AUDIT, or an audit.log). */
        AUDIT,
        /** A kernel uevent (NETLINK_KOBJECT_UEVENT), for what the kernel does not audit. */
        UEVENT
    }

    /**
     * An event made of audit records.
     *
     * @param serial     the audit serial
     * @param timeMillis event time, epoch milliseconds
     * @param records    the DM records in arrival order (never empty)
     * @param process    the task, or null
     * @param syscall    the SYSCALL/PROCTITLE context, or null
     * @param deviceName the mapped device's name, or null
     */
    public DmEvent(long serial, long timeMillis, List<DmRecord> records, ProcessInfo process, SyscallInfo syscall,
                   String deviceName) {
        this(serial, timeMillis, records, process, syscall, deviceName, null);
    }

    /** @return {@link Origin#UEVENT} when made from a kernel uevent, else {@link Origin#AUDIT} */
    public Origin origin() {
        return uevent == null ? Origin.AUDIT : Origin.UEVENT;
    }

    /** @return the first DM record */
    public DmRecord first() {
        return records.get(0);
    }

    /** @return the device of the first DM record that names one, or null */
    public DeviceNumber device() {
        for (DmRecord r : records) {
            if (r.device() != null) {
                return r.device();
            }
        }
        return null;
    }

    /** @return true when every DM record is a DM_EVENT */
    public boolean isData() {
        for (DmRecord r : records) { // a loop, not a stream: asked per event by the outputs
            if (!(r instanceof DmData)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param name the resolved device name
     * @return this event carrying that name
     */
    public DmEvent withDeviceName(String name) {
        return new DmEvent(serial, timeMillis, records, process, syscall, name, uevent);
    }
}
