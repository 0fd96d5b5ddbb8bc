package dev.dmaudit.event;

import dev.dmaudit.record.DeviceNumber;

/**
 * AUDIT_DM_CTRL: a target was constructed ({@code ctr}) or destroyed ({@code dtr}).
 *
 * @param module   target module
 * @param op       {@code ctr} or {@code dtr} (kept as received)
 * @param device   the mapped device
 * @param errorMsg the kernel's error_msg ({@code success} when it worked)
 * @param success  res=1
 */
public record DmControl(String module, String op, DeviceNumber device, String errorMsg, boolean success)
        implements DmRecord {
}
