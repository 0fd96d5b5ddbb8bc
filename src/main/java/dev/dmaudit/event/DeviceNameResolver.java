package dev.dmaudit.event;

import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Names device-mapper devices for audit events: from sysfs ({@code /sys/dev/block/MAJ:MIN/dm/name},
 * {@code dm/uuid}, {@code diskseq}, {@code slaves/}) checked against what the audit stream itself
 * says about the number's owner.
 *
 * <p>The kernel reuses a freed minor at once, and an event is read some time after it happened,
 * so what sysfs shows when the event is processed may be a later owner of the number. The rules
 * ({@link #nameFor}): a {@code ctr} or {@code dtr} record for a number means the owner may change,
 * so what was remembered for it is forgotten; a name is remembered only for an owner the stream
 * and sysfs agree on (identity = name, uuid and {@code diskseq}, which the kernel gives each new
 * disk); a failed constructor is never named (that device never existed under a name sysfs could
 * show: sysfs shows nothing or the next owner). Whenever the two sources cannot be reconciled the
 * answer is null — null, never a wrong name.
 *
 * <p>Events are named in the order they complete, and one that completes late (no EOE: the
 * grouping timeout) may come after its device's {@code dtr} and a successor's {@code ctr}: an
 * event whose audit serial is older than an owner change the stream has already shown gets the
 * owner confirmed before that change, or null.
 *
 * <p>What stays open: a bio-level event whose device the resolver has not seen before (listener
 * started later) and which was read only after the device was removed and the number re-used by a
 * device whose constructor the stream has not shown yet is named after that newer device. It
 * needs a removal and a re-creation between the kernel emitting the record and the listener
 * reading it.
 */
public final class DeviceNameResolver {
    /**
     * What sysfs said about a device.
     *
     * @param name    the dm name (as under /dev/mapper)
     * @param uuid    the dm uuid, or null
     * @param diskseq the kernel's disk sequence number (new for every disk it creates; Linux 5.15+),
     *                or null when sysfs has none
     * @param slaves  the backing devices' kernel names (e.g. loop0)
     */
    public record DeviceInfo(String name, String uuid, String diskseq, List<String> slaves) {
        /**
         * @param other another reading, may be null
         * @return true when both readings are of the same device instance (same name, uuid and
         *         diskseq), not merely of the same number
         */
        public boolean sameOwner(DeviceInfo other) {
            return other != null && name.equals(other.name) && Objects.equals(uuid, other.uuid)
                    && Objects.equals(diskseq, other.diskseq);
        }
    }

    private static final int MAX_REMEMBERED = 4096;
    /** Re-reads when sysfs changed between the two reads of one lookup (a device came or went). */
    private static final int READ_ATTEMPTS = 3;
    private final Path sysfsRoot;
    /** The owner of a number as last confirmed by an event, with no ctr/dtr seen since. */
    private final Map<DeviceNumber, DeviceInfo> owners = lru();

    /**
     * A ctr or dtr of a number at an audit serial, and the owner confirmed just before it (null:
     * none). Events are named in the order they complete, which is not always the kernel's: one
     * without EOE (dm-verity's max-corrupted-errors, written from a worker) completes after the
     * grouping timeout, possibly after its device's dtr and a successor's ctr.
     */
    private record Change(long serial, DeviceInfo before) {
    }

    private static final int CHANGES_KEPT = 16;
    /** The last owner changes per number, in the order the stream showed them. */
    private final Map<DeviceNumber, ArrayDeque<Change>> changes = lru();

    /** @return a map that forgets the least recently used number beyond {@link #MAX_REMEMBERED} */
    private static <V> Map<DeviceNumber, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<DeviceNumber, V> eldest) {
                return size() > MAX_REMEMBERED;
            }
        };
    }

    /** @param sysfsRoot the sysfs mount, normally {@code /sys} */
    public DeviceNameResolver(Path sysfsRoot) {
        this.sysfsRoot = sysfsRoot;
    }

    /** @return a resolver over {@code /sys} */
    public static DeviceNameResolver system() {
        return new DeviceNameResolver(Path.of("/sys"));
    }

    /**
     * The name of the device an event is about, as it was when the kernel emitted the event. Call it
     * for every DM event of a stream, in stream order: the ctr/dtr records tell it when a number
     * changes owner.
     *
     * @param event a DM event
     * @return the device's dm name, or null when it cannot be known for sure
     */
    public synchronized String nameFor(DmEvent event) {
        DeviceNumber dev = event.device();
        if (dev == null) {
            return null;
        }
        boolean ctrOk = false;
        boolean ctrFailed = false;
        boolean dtr = false;
        for (DmRecord r : event.records()) {
            if (r instanceof DmControl c && dev.equals(c.device())) {
                DmOp op = c.knownOp();
                if (op == DmOp.CTR) {
                    ctrOk |= c.success();
                    ctrFailed |= !c.success();
                } else if (op == DmOp.DTR) {
                    dtr = true;
                }
            }
        }
        if (ctrFailed) {
            // Nothing the stream or sysfs shows belongs to a device whose table never loaded: a
            // first load leaves no sysfs entry, and by now the number may have its next owner.
            changed(dev, event.serial(), owners.remove(dev));
            return null;
        }
        if (ctrOk) {
            DeviceInfo before = owners.remove(dev);
            changed(dev, event.serial(), before);
            return constructed(dev, event.syscall(), before);
        }
        if (dtr) {
            // The first dtr since the owner was confirmed is that owner's: another device can take
            // the number only after it. Whatever sysfs shows now (nothing, the same, a successor).
            DeviceInfo last = owners.remove(dev);
            changed(dev, event.serial(), last);
            return last == null ? null : last.name();
        }
        Change next = firstChangeAfter(dev, event.serial());
        if (next != null) {
            // Emitted before a ctr/dtr the stream has already shown, completed after it (an event
            // without EOE waits for the grouping timeout): it is the owner's of that time, if known.
            return next.before() == null ? null : next.before().name();
        }
        DeviceInfo known = owners.get(dev);
        if (known != null) {
            // No ctr/dtr since it was confirmed: the event is still its owner's, even if sysfs
            // already shows a successor whose records come later in the stream.
            return known.name();
        }
        DeviceInfo now = read(dev);
        if (now != null) {
            owners.put(dev, now);
        }
        return now == null ? null : now.name();
    }

    private void changed(DeviceNumber dev, long serial, DeviceInfo before) {
        ArrayDeque<Change> list = changes.computeIfAbsent(dev, k -> new ArrayDeque<>());
        list.addLast(new Change(serial, before));
        if (list.size() > CHANGES_KEPT) {
            list.removeFirst();
        }
    }

    /** @return the earliest owner change of {@code dev} the stream showed with a serial after {@code serial} */
    private Change firstChangeAfter(DeviceNumber dev, long serial) {
        ArrayDeque<Change> list = changes.get(dev);
        Change first = null;
        if (list != null) {
            for (Change c : list) {
                if (c.serial() > serial && (first == null || c.serial() < first.serial())) {
                    first = c;
                }
            }
        }
        return first;
    }

    /** A table was loaded: the device is the one sysfs shows only if the stream agrees. */
    private String constructed(DeviceNumber dev, SyscallInfo syscall, DeviceInfo before) {
        DeviceInfo now = read(dev);
        if (now == null) {
            return null; // removed before we looked: its name is gone
        }
        // A reload of the device we knew (same instance still there), or the command that loaded
        // the table named the device sysfs shows: a later owner was created by another command.
        if (now.sameOwner(before) || namedIn(syscall, now.name())) {
            owners.put(dev, now);
            return now.name();
        }
        return null;
    }

    private static boolean namedIn(SyscallInfo syscall, String name) {
        String title = syscall == null ? null : syscall.proctitle();
        if (title == null) {
            return false;
        }
        for (String arg : title.split(" ")) {
            if (arg.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What sysfs says about a number now, without the audit stream's context: a later owner of
     * the number if the device of interest is gone. Use {@link #nameFor} for events.
     *
     * @param dev a device number
     * @return the current device, or null when there is none (or it changed while being read)
     */
    public DeviceInfo lookup(DeviceNumber dev) {
        return dev == null ? null : read(dev);
    }

    /**
     * @param dev a device number
     * @return the dm name of the device that has the number now, or null
     * @see #lookup(DeviceNumber)
     */
    public String name(DeviceNumber dev) {
        DeviceInfo i = lookup(dev);
        return i == null ? null : i.name();
    }

    /** Reads name, uuid and diskseq twice; equal readings are one device, else retry, then null. */
    private DeviceInfo read(DeviceNumber dev) {
        Path dir = sysfsRoot.resolve("dev/block").resolve(dev.major() + ":" + dev.minor());
        DeviceInfo first = readOnce(dir);
        for (int i = 0; i < READ_ATTEMPTS && first != null; i++) {
            DeviceInfo second = readOnce(dir);
            if (first.sameOwner(second)) {
                return new DeviceInfo(first.name(), first.uuid(), first.diskseq(), slaves(dir.resolve("slaves")));
            }
            first = second;
        }
        return null;
    }

    private static DeviceInfo readOnce(Path dir) {
        String name = readLine(dir.resolve("dm/name"));
        if (name == null) {
            return null;
        }
        return new DeviceInfo(name, readLine(dir.resolve("dm/uuid")), readLine(dir.resolve("diskseq")), List.of());
    }

    private static String readLine(Path p) {
        try {
            byte[] b = Files.readAllBytes(p);
            int n = b.length;
            while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == 0)) {
                n--;
            }
            return n == 0 || n > 256 ? null : new String(b, 0, n, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static List<String> slaves(Path dir) {
        List<String> out = new ArrayList<>(2);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                out.add(p.getFileName().toString());
                if (out.size() == 64) {
                    break;
                }
            }
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        out.sort(null);
        return List.copyOf(out);
    }
}
