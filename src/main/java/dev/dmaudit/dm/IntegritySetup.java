package dev.dmaudit.dm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Typed access to {@code integritysetup}: format, open, close, status and dump. Every name and
 * path is validated before the tool runs; keys only ever travel as key files.
 */
public final class IntegritySetup {
    /** Crypto API names: letters, digits and ()_,- ; never a leading '-', which would be an option. */
    private static final Pattern ALGORITHM = Pattern.compile("[A-Za-z0-9(][A-Za-z0-9()_,-]{0,63}");
    /** cryptsetup's exit status for "no such device", which status also uses for an inactive name. */
    static final int EXIT_NO_DEVICE = 4;

    private final CommandRunner runner;
    private final DevicePaths paths;
    private final Duration timeout;
    private final Duration formatTimeout;

    /**
     * @param runner        how to run integritysetup
     * @param paths         how device paths are checked
     * @param timeout       limit for open, close, status and dump
     * @param formatTimeout limit for format, which wipes the whole device and can take long
     */
    public IntegritySetup(CommandRunner runner, DevicePaths paths, Duration timeout, Duration formatTimeout) {
        this.runner = runner;
        this.paths = paths;
        this.timeout = timeout;
        this.formatTimeout = formatTimeout;
    }

    /**
     * Formats a device for dm-integrity, in batch mode (no question asked). Destroys its data.
     *
     * @param o what to write
     * @throws DmToolException when an argument is refused or the tool fails
     */
    public void format(IntegrityFormatOptions o) throws DmToolException {
        Path device = paths.requireBlockDevice(o.device());
        List<String> args = new ArrayList<>(List.of("--batch-mode"));
        args.addAll(algorithmArgs(o.algorithm(), o.mode(), o.keyFile(), o.keySizeBits()));
        if (o.tagSize() != null) {
            args.addAll(List.of("--tag-size", positive("tag size", o.tagSize())));
        }
        if (o.sectorSize() != null) {
            args.addAll(List.of("--sector-size", positive("sector size", o.sectorSize())));
        }
        if (o.mode() == IntegrityMode.RECOVERY) {
            throw new InvalidDeviceNameException("recovery mode applies to open, not format");
        }
        args.add(device.toString());
        ToolCall.runOk(runner, Tool.INTEGRITYSETUP, formatTimeout, "format", args);
    }

    /**
     * Activates a formatted device under a device-mapper name.
     *
     * @param o device, name and algorithm
     * @throws DmToolException when an argument is refused or the tool fails
     */
    public void open(IntegrityOpenOptions o) throws DmToolException {
        Path device = paths.requireBlockDevice(o.device());
        String name = DeviceNames.requireValid(o.name());
        List<String> args = new ArrayList<>(algorithmArgs(o.algorithm(), o.mode(), o.keyFile(), o.keySizeBits()));
        args.add(device.toString());
        args.add(name);
        ToolCall.runOk(runner, Tool.INTEGRITYSETUP, timeout, "open", args);
    }

    /**
     * Removes the mapping of an active device.
     *
     * @param name the device-mapper name
     * @throws DmToolException when the name is refused or the tool fails
     */
    public void close(String name) throws DmToolException {
        ToolCall.runOk(runner, Tool.INTEGRITYSETUP, timeout, "close", List.of(DeviceNames.requireValid(name)));
    }

    /**
     * @param name the device-mapper name
     * @return its status; {@code active() == false} when no such device is active
     * @throws DmToolException when the name is refused or the tool fails
     */
    public IntegrityDeviceStatus status(String name) throws DmToolException {
        CommandResult r = ToolCall.run(runner, Tool.INTEGRITYSETUP, timeout, "status",
                List.of(DeviceNames.requireValid(name)));
        boolean inactive = r.exitCode() == EXIT_NO_DEVICE && r.stdout().contains(" is inactive.");
        if (r.exitCode() != 0 && !inactive) {
            throw new ToolFailedException(Tool.INTEGRITYSETUP.command(), "status", r.exitCode(), r.stderr());
        }
        return IntegritySetupParser.status(r.stdout());
    }

    /**
     * @param device a formatted block device
     * @return its superblock
     * @throws DmToolException when the path is refused or the tool fails
     */
    public IntegrityDump dump(String device) throws DmToolException {
        Path p = paths.requireBlockDevice(device);
        return IntegritySetupParser.dump(
                ToolCall.runOk(runner, Tool.INTEGRITYSETUP, timeout, "dump", List.of(p.toString())).stdout());
    }

    /** Options shared by format and open: algorithm, key file and mode must match between the two. */
    private static List<String> algorithmArgs(String algorithm, IntegrityMode mode, String keyFile, Integer keyBits)
            throws InvalidDeviceNameException {
        List<String> args = new ArrayList<>();
        if (algorithm != null) {
            if (!ALGORITHM.matcher(algorithm).matches()) {
                throw new InvalidDeviceNameException("integrity algorithm " + DeviceNames.quoted(algorithm)
                        + " is not a crypto API name");
            }
            args.addAll(List.of("--integrity", algorithm));
        }
        if (keyFile != null) {
            Path p = Path.of(keyFile).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p) || keyFile.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidDeviceNameException("key file " + DeviceNames.quoted(keyFile) + " is not a file");
            }
            args.addAll(List.of("--integrity-key-file", p.toString()));
        }
        if (keyBits != null) {
            args.addAll(List.of("--integrity-key-size", positive("key size", keyBits)));
        }
        if (mode != null) {
            mode.flag().ifPresent(args::add);
        }
        return args;
    }

    private static String positive(String what, int value) throws InvalidDeviceNameException {
        if (value <= 0) {
            throw new InvalidDeviceNameException(what + " must be positive, not " + value);
        }
        return Integer.toString(value);
    }
}
