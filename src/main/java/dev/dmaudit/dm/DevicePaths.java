package dev.dmaudit.dm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Checks device paths before they reach a tool: made absolute (so none can start with '-'), free
 * of control characters, existing, and a block device.
 */
public final class DevicePaths {
    private final BlockDeviceCheck check;

    /** @param check how to tell a block device; {@link BlockDeviceCheck#unixMode()} in production */
    public DevicePaths(BlockDeviceCheck check) {
        this.check = check;
    }

    /**
     * @param path a path from the user
     * @return the absolute, normalized path
     * @throws InvalidDeviceNameException when the path is refused
     */
    public Path requireBlockDevice(String path) throws InvalidDeviceNameException {
        if (path == null || path.isEmpty()) {
            throw new InvalidDeviceNameException("device path is empty");
        }
        String shown = DeviceNames.quoted(path);
        if (path.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidDeviceNameException("device path " + shown + " contains control characters");
        }
        Path p;
        try {
            p = Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new InvalidDeviceNameException("device path " + shown + " is not a valid path");
        }
        if (!Files.exists(p)) {
            throw new InvalidDeviceNameException("device path " + shown + " does not exist");
        }
        try {
            if (!check.isBlockDevice(p)) {
                throw new InvalidDeviceNameException("device path " + shown + " is not a block device");
            }
        } catch (IOException e) {
            throw new InvalidDeviceNameException("device path " + shown + " cannot be checked: " + e.getMessage());
        }
        return p;
    }
}
