package dev.dmaudit.event;

import java.util.function.Consumer;

/** The stage that names the device of a DM event (254:3 → its dm name) from sysfs. */
final class DeviceNaming implements EventStage {
    private final DeviceNameResolver names;

    DeviceNaming(DeviceNameResolver names) {
        this.names = names;
    }

    @Override
    public void accept(Event event, Consumer<Event> next) {
        DmEvent dm = event.dm();
        if (dm != null) {
            String name = names.nameFor(dm);
            if (name != null) {
                event = event.withDm(dm.withDeviceName(name));
            }
        }
        next.accept(event);
    }
}
