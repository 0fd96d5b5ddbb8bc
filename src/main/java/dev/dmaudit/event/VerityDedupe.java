package dev.dmaudit.event;

import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Reports a dm-verity corruption once when the kernel tells it twice. In the default (EIO) mode a
 * corrupt block gives both a {@code verify-data}/{@code verify-metadata} audit record and a
 * corruption uevent ({@link VerityUevents}); in {@code ignore_corruption} mode only the uevent.
 *
 * <p>The two name the block differently: the audit record names the verity <em>data</em> device
 * (the bio's device, e.g. loop0 = 7:0) and the uevent the dm device (254:0). They are matched on
 * (data device, op, block) for data blocks and on (data device, op) for hash blocks (see
 * {@link #key}): a uevent's dm device is mapped to the devices under it through
 * sysfs ({@code /sys/dev/block/MAJ:MIN/slaves}), an audit record's device to its kernel name
 * ({@code /sys/dev/block/MAJ:MIN} → loop0), both read when the event passes, so while the
 * device exists.
 *
 * <p>The kernel sends the uevent first (synchronously, from {@code verity_handle_err}) and queues
 * the audit record for kauditd, so a uevent is held for {@code windowMillis}: an audit record of the
 * same block within the window drops it (the audit event, with its serial, is the one reported);
 * otherwise it goes on when the window ends. An audit record seen first is remembered for the window
 * and drops a later uevent of its block. Bounded: at most {@link #MAX_HELD} uevents are held and
 * {@link #MAX_REMEMBERED} audit blocks remembered; beyond, the oldest held goes on at once and the
 * oldest remembered is forgotten (a duplicate may then be reported twice, never an event lost).
 * An audit record later than the window after its uevent is reported as well: both are then in the
 * output, marked by origin.
 */
final class VerityDedupe implements EventStage {
    static final int MAX_HELD = 1024;
    static final int MAX_REMEMBERED = 4096;

    private final long windowMillis;
    private final LongSupplier clock;
    private final Path sysfsRoot;
    private final DeviceNameResolver devices;
    /** Held uevent events, oldest first, with their keys and release time. */
    private final List<Held> held = new ArrayList<>();
    /** Audit (data device, type, block) keys seen recently → when they are forgotten. */
    private final Map<String, Long> recentAudit = new LinkedHashMap<>();
    private long dropped;

    private record Held(Event event, List<String> keys, long releaseAt) {
    }

    /**
     * @param windowMillis how long a uevent waits for its audit twin (> 0)
     * @param clock        the pipeline's clock
     * @param sysfsRoot    the sysfs mount ({@code /sys})
     */
    VerityDedupe(long windowMillis, LongSupplier clock, Path sysfsRoot) {
        this.windowMillis = windowMillis;
        this.clock = clock;
        this.sysfsRoot = sysfsRoot;
        this.devices = new DeviceNameResolver(sysfsRoot);
    }

    @Override
    public void accept(Event event, Consumer<Event> next) {
        long now = clock.getAsLong();
        tick(now, next);
        DmEvent dm = event.dm();
        DmData d = verityBlock(dm);
        if (d == null) {
            next.accept(event);
            return;
        }
        if (dm.origin() == DmEvent.Origin.UEVENT) {
            List<String> keys = new ArrayList<>();
            for (String under : slaves(d.device())) {
                keys.add(key(under, d));
            }
            if (keys.stream().anyMatch(recentAudit::containsKey)) {
                dropped++;
                return;
            }
            if (held.size() == MAX_HELD) {
                next.accept(held.remove(0).event());
            }
            held.add(new Held(event, keys, now + windowMillis));
            return;
        }
        String name = kernelName(d.device());
        if (name != null) {
            String k = key(name, d);
            for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                if (it.next().keys().contains(k)) {
                    it.remove();
                    dropped++;
                }
            }
            recentAudit.remove(k);
            recentAudit.put(k, now + windowMillis);
            if (recentAudit.size() > MAX_REMEMBERED) {
                Iterator<String> it = recentAudit.keySet().iterator();
                it.next();
                it.remove();
            }
        }
        next.accept(event);
    }

    @Override
    public void tick(long nowMillis, Consumer<Event> next) {
        while (!held.isEmpty() && held.get(0).releaseAt() <= nowMillis) {
            next.accept(held.remove(0).event());
        }
        // Insertion order is expiry order (one window for all): stop at the first one still valid.
        for (Iterator<Long> it = recentAudit.values().iterator(); it.hasNext(); ) {
            if (it.next() > nowMillis) {
                break;
            }
            it.remove();
        }
    }

    @Override
    public void flush(Consumer<Event> next) {
        while (!held.isEmpty()) {
            next.accept(held.remove(0).event());
        }
        recentAudit.clear();
    }

    /** @return when the oldest held uevent is due, or Long.MAX_VALUE */
    @Override
    public long nextDeadline() {
        return held.isEmpty() ? Long.MAX_VALUE : held.get(0).releaseAt();
    }

    /** @return uevents dropped because an audit record reported the same block */
    long dropped() {
        return dropped;
    }

    /** @return the event's one verity block record (verify-data, verify-metadata), or null */
    private static DmData verityBlock(DmEvent dm) {
        if (dm == null || dm.records().size() != 1 || !(dm.first() instanceof DmData d) || !d.hasSector()
                || d.device() == null || !"verity".equals(d.module())) {
            return null;
        }
        return "verify-data".equals(d.op()) || "verify-metadata".equals(d.op()) ? d : null;
    }

    /**
     * A data block is matched by its number, which both reports give. A hash block is not: the
     * uevent names the hash block and the {@code verify-metadata} audit record the data block whose
     * read failed (measured on 6.12: uevent {@code 1,1}, audit {@code sector=200} for data block 200
     * under a corrupt top-level hash block), so hash-block reports of one device within the window
     * are taken as one.
     */
    private static String key(String dataDevice, DmData d) {
        return "verify-data".equals(d.op()) ? dataDevice + '|' + d.op() + '|' + d.sector() : dataDevice + '|' + d.op();
    }

    /** @return the kernel names of the devices under a dm device ({@code loop0}, ...), maybe none */
    private List<String> slaves(DeviceNumber dev) {
        DeviceNameResolver.DeviceInfo info = devices.lookup(dev);
        return info == null ? List.of() : info.slaves();
    }

    /** @return the kernel name of a block device ({@code /sys/dev/block/7:0} → {@code loop0}), or null */
    private String kernelName(DeviceNumber dev) {
        try {
            Path real = blockDir(dev).toRealPath();
            return real.getFileName() == null ? null : real.getFileName().toString();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private Path blockDir(DeviceNumber dev) {
        return sysfsRoot.resolve("dev/block").resolve(dev.major() + ":" + dev.minor());
    }
}
