package dev.dmaudit.locate;

import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The block device a walk ended on, with what it carries.
 *
 * @param device MAJ:MIN
 * @param path   a /dev path that opens it
 * @param type   the filesystem (or other signature) found on it, or null
 * @param mount  where it is mounted, or null
 */
record FsTarget(DeviceNumber device, Path path, String type, Mounts.Mount mount) {

    /** One sector to place on this device, with the chain that led there. */
    record Request(long sector, List<Location.Step> chain) {
    }

    /** @return the mount point, or null */
    String mountPoint() {
        return mount == null ? null : mount.mountPoint();
    }

    /**
     * Turns paths from the filesystem root into paths under the mount point, keeping only those that
     * really are that inode on this device now (lstat): a path printed by a tool must not name
     * another file, whatever bytes a file name holds. A path whose lstat fails with an I/O error is
     * kept (the inode is unreadable: that is the damage); one that does not exist, or is another
     * inode, is dropped. Unmounted: the paths as the tool gave them.
     *
     * @param inode    the inode
     * @param fsPaths  paths from the filesystem's root
     * @return the checked paths
     */
    List<String> userPaths(long inode, List<String> fsPaths) {
        if (mount == null) {
            return fsPaths;
        }
        List<String> out = new ArrayList<>();
        String root = mount.root().equals("/") ? "" : mount.root();
        for (String p : fsPaths) {
            if (!p.startsWith(root + "/")) {
                continue; // outside the bind-mounted subtree: not reachable here
            }
            String under = p.substring(root.length());
            String full = mount.mountPoint().equals("/") ? under : mount.mountPoint() + under;
            try {
                Path f = Path.of(full);
                Object ino = Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                Object dev = Files.getAttribute(f, "unix:dev", LinkOption.NOFOLLOW_LINKS);
                if (ino instanceof Long i && i == inode && dev instanceof Long d && sameDevice(d)) {
                    out.add(full);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // gone, or hidden under another mount: not reported
            } catch (IOException e) {
                // The inode itself cannot be read (an I/O error: its inode-table block is the damage
                // being located): the directory entry that names it is all there is to go by.
                out.add(full);
            } catch (RuntimeException e) {
                // not a path: not reported
            }
        }
        return out;
    }

    /** st_dev as Linux encodes it (glibc's gnu_dev_major/minor). */
    private boolean sameDevice(long stDev) {
        long major = ((stDev >>> 8) & 0xfff) | ((stDev >>> 32) & 0xfffff000L);
        long minor = (stDev & 0xff) | ((stDev >>> 12) & 0xffffff00L);
        return major == device.major() && minor == device.minor();
    }
}
