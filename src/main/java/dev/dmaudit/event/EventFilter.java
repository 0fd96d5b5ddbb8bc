package dev.dmaudit.event;

import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.DeviceNumber;
import java.util.Set;

/**
 * Which events to deliver. By default only DM events; with {@code all}, every event. The other
 * criteria narrow that: DM module, DM op, device ({@code MAJ:MIN} or a resolved name), and record
 * types (an event passes when it holds a record of one of them). Empty sets match everything.
 *
 * @param all     deliver events without DM records too
 * @param modules DM modules to keep
 * @param ops     DM ops to keep
 * @param device  a device as {@code MAJ:MIN} or name, or null
 * @param types   record type numbers to keep
 */
public record EventFilter(boolean all, Set<String> modules, Set<String> ops, String device, Set<Integer> types)
        implements EventStage {
    /** Defensive copies. */
    public EventFilter {
        modules = Set.copyOf(modules);
        ops = Set.copyOf(ops);
        types = Set.copyOf(types);
    }

    /** @return the default filter: DM events only */
    public static EventFilter dmOnly() {
        return new EventFilter(false, Set.of(), Set.of(), null, Set.of());
    }

    /** @return a filter passing every event, DM or not */
    public static EventFilter allEvents() {
        return new EventFilter(true, Set.of(), Set.of(), null, Set.of());
    }

    /**
     * @param event the audit event
     * @param dm    its DM view, or null
     * @return true when the event should be delivered
     */
    public boolean test(AuditEvent event, DmEvent dm) {
        if (dm == null) {
            if (!all || !modules.isEmpty() || !ops.isEmpty() || device != null) {
                return false;
            }
        } else {
            if (!modules.isEmpty() && dm.records().stream().noneMatch(r -> modules.contains(r.module()))) {
                return false;
            }
            if (!ops.isEmpty() && dm.records().stream().noneMatch(r -> ops.contains(r.op()))) {
                return false;
            }
            if (device != null && !matchesDevice(dm)) {
                return false;
            }
        }
        if (!types.isEmpty()) {
            for (AuditRecord r : event.records()) {
                if (hasType(r.type())) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** The filtering stage: passes on the events this filter keeps. */
    @Override
    public void accept(Event event, java.util.function.Consumer<Event> next) {
        if (test(event.audit(), event.dm())) {
            next.accept(event);
        }
    }

    /** Without boxing the record's type (an Integer allocated per record above 127) for a short list. */
    private boolean hasType(int type) {
        if (types.size() > 8) {
            return types.contains(type);
        }
        for (Integer t : types) {
            if (t == type) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesDevice(DmEvent dm) {
        if (device.equals(dm.deviceName())) {
            return true;
        }
        DeviceNumber wanted = DeviceNumber.parse(device);
        return wanted != null && dm.records().stream().anyMatch(r -> wanted.equals(r.device()));
    }
}
