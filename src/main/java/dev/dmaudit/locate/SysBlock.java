package dev.dmaudit.locate;

import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The block-device graph as sysfs shows it: {@code /sys/dev/block/MAJ:MIN} links to the device,
 * whose {@code holders/} are the devices stacked on it and whose {@code dm/name} is its dm name.
 * A root other than /sys is for tests.
 */
final class SysBlock {
    private final Path sys;
    private final Path dev;

    SysBlock(Path sysRoot, Path devRoot) {
        this.sys = sysRoot;
        this.dev = devRoot;
    }

    private Path node(DeviceNumber d) {
        return sys.resolve("dev/block/" + d.major() + ":" + d.minor());
    }

    /** @return whether sysfs knows the device (it exists now) */
    boolean exists(DeviceNumber d) {
        return Files.exists(node(d));
    }

    /** @return the kernel name (dm-3, loop0, sda1), or null when the device is gone */
    String kernelName(DeviceNumber d) {
        try {
            return node(d).toRealPath().getFileName().toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the dm name, or null when not a dm device */
    String dmName(DeviceNumber d) {
        return read(node(d).resolve("dm/name"));
    }

    /** @return the dm uuid (LVM-…, CRYPT-…), or null */
    String dmUuid(DeviceNumber d) {
        return read(node(d).resolve("dm/uuid"));
    }

    /** @return the devices holding this one (stacked on it), in name order */
    List<DeviceNumber> holders(DeviceNumber d) throws IOException {
        return related(d, "holders");
    }

    /** @return the devices under this one */
    List<DeviceNumber> slaves(DeviceNumber d) throws IOException {
        return related(d, "slaves");
    }

    private List<DeviceNumber> related(DeviceNumber d, String dir) throws IOException {
        Path p = node(d).resolve(dir);
        List<DeviceNumber> out = new ArrayList<>();
        if (!Files.isDirectory(p)) {
            return out;
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
            ds.forEach(entries::add);
        }
        entries.sort(null);
        for (Path e : entries) {
            String num = read(e.resolve("dev"));
            if (num != null) {
                out.add(DeviceNumber.parse(num));
            }
        }
        return out;
    }

    /** @return a path that opens the device: /dev/mapper/NAME for dm devices, else /dev/KERNELNAME */
    Path devicePath(DeviceNumber d) {
        String dm = dmName(d);
        if (dm != null && !dm.contains("/")) {
            Path p = dev.resolve("mapper").resolve(dm);
            if (Files.exists(p)) {
                return p;
            }
        }
        String k = kernelName(d);
        return k == null ? null : dev.resolve(k);
    }

    /** @return a name for people: the dm name, else the kernel name, else MAJ:MIN */
    String displayName(DeviceNumber d) {
        String dm = dmName(d);
        if (dm != null) {
            return dm;
        }
        String k = kernelName(d);
        return k != null ? k : d.toString();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
