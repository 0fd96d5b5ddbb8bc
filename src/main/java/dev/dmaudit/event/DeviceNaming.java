package dev.dmaudit.event;

import java.util.function.Consumer;

/**
 * The stage that names the device of a DM event (254:3 → its dm name) from sysfs: audit events
 * through {@link DeviceNameResolver#nameFor} (the ctr/dtr stream), uevent events by their DISKSEQ.
 */
final class DeviceNaming implements EventStage {
    private final DeviceNameResolver names;

    DeviceNaming(DeviceNameResolver names) {
        this.names = names;
    }

    @Override
    public void accept(Event event, Consumer<Event> next) {
        DmEvent dm = event.dm();
        if (dm != null) {
            String name = dm.origin() == DmEvent.Origin.UEVENT ? ueventName(dm) : names.nameFor(dm);
            if (name != null) {
                event = event.withDm(dm.withDeviceName(name));
            }
        }
        next.accept(event);
    }

    /**
     * A uevent names its disk instance: DISKSEQ, which the kernel gives each new disk. The name is
     * sysfs's only while sysfs still shows that disk; otherwise none (never a later owner's). The
     * audit stream's ctr/dtr do not help here: on 6.1 dm-verity writes none.
     */
    private String ueventName(DmEvent dm) {
        String seq = dm.uevent().get("DISKSEQ");
        DeviceNameResolver.DeviceInfo now = seq == null ? null : names.lookup(dm.device());
        return now != null && seq.equals(now.diskseq()) ? now.name() : null;
    }
}
