package dev.dmaudit.event;

import dev.dmaudit.record.DeviceNumber;

/** One device-mapper audit record of an event: a {@link DmControl} or a {@link DmData}. */
public sealed interface DmRecord permits DmControl, DmData {
    /** @return the target module, e.g. {@code integrity}, {@code crypt}, {@code verity} */
    String module();

    /** @return the operation, e.g. {@code ctr}, {@code integrity-checksum} */
    String op();

    /** @return the device, or null when the record did not carry a parsable one */
    DeviceNumber device();

    /** @return true for res=1 (success) */
    boolean success();

    /** @return the op classified, {@link DmOp#OTHER} for ops unknown today */
    default DmOp knownOp() {
        return DmOp.of(module(), op());
    }
}
