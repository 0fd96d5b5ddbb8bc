package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import java.util.List;
import java.util.Optional;

/** Which devices a dmsetup query covers: all, one by name, or one by device number. */
public final class DmSelector {
    private static final DmSelector ALL = new DmSelector(List.of(), null);
    private final List<String> args;
    private final String label;

    private DmSelector(List<String> args, String label) {
        this.args = args;
        this.label = label;
    }

    /** @return every device */
    public static DmSelector all() {
        return ALL;
    }

    /**
     * @param name a device-mapper name
     * @return the device of that name
     * @throws InvalidDeviceNameException when the name is refused
     */
    public static DmSelector name(String name) throws InvalidDeviceNameException {
        return new DmSelector(List.of(DeviceNames.requireValid(name)), name);
    }

    /**
     * @param id a device number
     * @return the device of that number
     */
    public static DmSelector id(DeviceNumber id) {
        return new DmSelector(List.of("-j", Integer.toString(id.major()), "-m", Integer.toString(id.minor())),
                id.toString());
    }

    /** @return the arguments that select the devices, appended after the dmsetup action */
    List<String> args() {
        return args;
    }

    /**
     * For one device dmsetup prints table and status lines without the "name: " prefix.
     *
     * @return the label of the single device (its name or MAJOR:MINOR); empty when all are selected
     */
    public Optional<String> single() {
        return Optional.ofNullable(label);
    }

    @Override
    public String toString() {
        return label == null ? "all devices" : label;
    }
}
