package dev.dmaudit.locate;

import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount table ({@code /proc/self/mountinfo}): which filesystem a device carries and where it is
 * mounted. Mount points are unescaped ({@code \040} is a space).
 */
final class Mounts {
    /**
     * One mount of a device.
     *
     * @param device     MAJ:MIN of the mounted device
     * @param root       the directory of the filesystem mounted there ("/" unless a bind mount)
     * @param mountPoint where
     * @param fsType     the filesystem type
     */
    record Mount(DeviceNumber device, String root, String mountPoint, String fsType) {
    }

    private final List<Mount> mounts;
    private final String text;

    private Mounts(List<Mount> mounts, String text) {
        this.mounts = mounts;
        this.text = text;
    }

    static Mounts read(Path mountinfo) {
        try {
            return parse(Files.readString(mountinfo, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return parse("");
        }
    }

    static Mounts parse(String text) {
        List<Mount> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 10 || dash < 0 || dash + 1 >= f.length) {
                continue;
            }
            try {
                out.add(new Mount(DeviceNumber.parse(f[2]), unescape(f[3]), unescape(f[4]), f[dash + 1]));
            } catch (RuntimeException e) {
                // not a MAJ:MIN: not a line of ours to use
            }
        }
        return new Mounts(List.copyOf(out), text);
    }

    /** @return the device's mount showing the filesystem's root if any, else its first mount, else null */
    Mount of(DeviceNumber device) {
        Mount first = null;
        for (Mount m : mounts) {
            if (m.device.equals(device)) {
                if (m.root.equals("/")) {
                    return m;
                }
                if (first == null) {
                    first = m;
                }
            }
        }
        return first;
    }

    /** @return the mount whose mount point is exactly this path, or null */
    Mount at(String mountPoint) {
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (mounts.get(i).mountPoint.equals(mountPoint)) {
                return mounts.get(i);
            }
        }
        return null;
    }

    /** @return whether the table changed since this one was read (a mount or unmount) */
    boolean sameAs(Mounts other) {
        return other != null && text.equals(other.text);
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }
}
