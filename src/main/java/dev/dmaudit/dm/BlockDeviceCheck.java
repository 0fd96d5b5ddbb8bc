package dev.dmaudit.dm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Tells whether a path is a block device; injected so validation can be tested without devices. */
@FunctionalInterface
public interface BlockDeviceCheck {
    /** File-type bits of st_mode and the block-device value (S_IFMT, S_IFBLK). */
    int S_IFMT = 0170000;
    /** Block-device file type. */
    int S_IFBLK = 0060000;

    /**
     * @param path an existing path
     * @return whether it is a block device (after following links)
     * @throws IOException when its attributes cannot be read
     */
    boolean isBlockDevice(Path path) throws IOException;

    /** @return the real check, from the {@code unix:mode} attribute */
    static BlockDeviceCheck unixMode() {
        return path -> {
            Object mode = Files.getAttribute(path, "unix:mode", new LinkOption[0]);
            return mode instanceof Integer m && (m & S_IFMT) == S_IFBLK;
        };
    }
}
