package dev.dmaudit.event;

import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names device-mapper devices from sysfs: {@code /sys/dev/block/MAJ:MIN/dm/name}, {@code dm/uuid}
 * and {@code slaves/} (the backing devices). Names seen while a device existed are remembered, so
 * a {@code dtr} or a late DM_EVENT after removal still names it. Bounded LRU memory.
 */
public final class DeviceNameResolver {
    /**
     * What sysfs said about a device.
     *
     * @param name   the dm name (as under /dev/mapper)
     * @param uuid   the dm uuid, or null
     * @param slaves the backing devices' kernel names (e.g. loop0)
     */
    public record DeviceInfo(String name, String uuid, List<String> slaves) {
    }

    private static final int MAX_REMEMBERED = 4096;
    private final Path sysfsRoot;
    private final Map<DeviceNumber, DeviceInfo> remembered = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<DeviceNumber, DeviceInfo> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** @param sysfsRoot the sysfs mount, normally {@code /sys} */
    public DeviceNameResolver(Path sysfsRoot) {
        this.sysfsRoot = sysfsRoot;
    }

    /** @return a resolver over {@code /sys} */
    public static DeviceNameResolver system() {
        return new DeviceNameResolver(Path.of("/sys"));
    }

    /**
     * @param dev a device number
     * @return what sysfs says now, or what it said last while the device existed; null if never seen
     */
    public synchronized DeviceInfo lookup(DeviceNumber dev) {
        if (dev == null) {
            return null;
        }
        Path dir = sysfsRoot.resolve("dev/block").resolve(dev.major() + ":" + dev.minor());
        String name = readLine(dir.resolve("dm/name"));
        if (name != null) {
            DeviceInfo info = new DeviceInfo(name, readLine(dir.resolve("dm/uuid")), slaves(dir.resolve("slaves")));
            remembered.put(dev, info);
            return info;
        }
        return remembered.get(dev);
    }

    /**
     * @param dev a device number
     * @return its dm name, or null
     */
    public String name(DeviceNumber dev) {
        DeviceInfo i = lookup(dev);
        return i == null ? null : i.name();
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
