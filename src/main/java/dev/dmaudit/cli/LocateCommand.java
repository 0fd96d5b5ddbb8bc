package dev.dmaudit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.dmaudit.dm.DeviceNames;
import dev.dmaudit.dm.InvalidDeviceNameException;
import dev.dmaudit.locate.Location;
import dev.dmaudit.locate.Locator;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.sink.LocationFormat;
import dev.dmaudit.sink.OutputFormat;
import dev.dmaudit.sink.Sanitize;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dmaudit locate DEVICE SECTOR}: what a sector holds (dev.dmaudit.locate). */
@Command(name = "locate",
        mixinStandardHelpOptions = true,
        description = {"Say what a sector holds: a file (every path and the byte offset), filesystem metadata (which kind),"
                + " free space, or something outside any filesystem (LUKS header, LVM metadata).",
                "Walks from DEVICE up its holders (dmsetup tables) to the device with a filesystem; ext4 via e2fsprogs"
                        + " (debugfs/dumpe2fs, read-only), XFS via xfs_io fsmap (mounted). Needs root."},
        footer = {"", "DEVICE: MAJ:MIN, a dm name, a /dev path, or any path on a mounted filesystem (then SECTOR is a sector"
                + " of that filesystem's device).", "", "Examples:",
                "  sudo dmaudit locate 254:0 20000                      # as integrity-checksum reports it",
                "  sudo dmaudit locate --op integrity-aead 254:0 262816 # dm-crypt AEAD: the _dif device, crypt sector",
                "  sudo dmaudit locate --op verify-data 7:0 1234        # dm-verity audit record: data device, data block",
                "  sudo dmaudit locate --uevent --op verify-data 254:2 1234 # dm-verity uevent: verity device, data block",
                "  sudo dmaudit locate --format json /srv 8392",
                "", "Exit: 0 answered (also when the answer is 'unknown', with the reason); 2 usage; 10 DEVICE not found."})
public final class LocateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "MAJ:MIN, dm name, /dev path, or a path on a mounted filesystem")
    String device;

    @Parameters(index = "1", paramLabel = "SECTOR", description = "the sector as the DM_EVENT gives it (see --op)")
    long sector;

    @Option(names = "--op", paramLabel = "OP",
            description = "The DM_EVENT op whose unit SECTOR is in: integrity-checksum (512-byte sector of the integrity device;"
                    + " in inline mode DEVICE is the device under it),"
                    + " integrity-aead (crypt sector, DEVICE = the _dif device), verify-data and verify-metadata (data block,"
                    + " DEVICE = the data device) (default: a plain 512-byte sector of DEVICE).")
    String op;

    @Option(names = "--uevent",
            description = "SECTOR and DEVICE as dm-verity's corruption uevent gives them (DM_VERITY_ERR_BLOCK_NR=T,N; an"
                    + " origin=uevent event): DEVICE = the verity device, --op verify-data (T=0: data block N) or"
                    + " verify-metadata (T=1: hash-device block N).")
    boolean uevent;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "text or json (default: text).")
    OutputFormat format;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Kill a tool run after this long (default: 10s).")
    Duration timeout = Duration.ofSeconds(10);

    @Override
    public Integer call() throws IOException {
        if (sector < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "SECTOR must not be negative");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout needs a positive duration");
        }
        if (format == OutputFormat.RAW) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format takes text or json");
        }
        DeviceNumber dev = resolve(device);
        if (uevent && (op == null || !op.startsWith("verify-"))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--uevent needs --op verify-data or --op verify-metadata");
        }
        Location l = LocateOptions.locators.apply(timeout).locate(new Locator.Query(dev, op, sector, uevent));
        OutputStream out = Streams.of(spec).out();
        if (format == OutputFormat.JSON) {
            JsonGenerator gen = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build().createGenerator(out);
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("device", dev.toString());
            gen.writeStringField("op", op);
            if (uevent) {
                gen.writeBooleanField("uevent", true);
            }
            gen.writeNumberField("sector", sector);
            LocationFormat.json(gen, l);
            gen.writeEndObject();
            gen.writeRaw('\n');
            gen.flush();
        } else {
            PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.println(dev + " sector " + sector + " \u2192 " + LocationFormat.text(l));
            StringBuilder chain = new StringBuilder("  chain:");
            for (Location.Step s : l.chain()) {
                chain.append(" ").append(Sanitize.visible(String.valueOf(s.name()))).append(" (")
                        .append(s.device()).append(s.target() == null ? "" : " " + s.target()).append(") sector ")
                        .append(s.sector()).append(" \u2192");
            }
            w.println(l.chain().isEmpty() ? "  chain: (none)" : chain.substring(0, chain.length() - 2));
            for (Location.Step s : l.chain()) {
                if (s.note() != null) {
                    w.println("  note (" + s.device() + "): " + Sanitize.visible(s.note()));
                }
            }
            w.flush();
        }
        return ExitCodes.OK;
    }

    /** MAJ:MIN, a dm name, a block device path, or a path on a mounted filesystem (its device). */
    private DeviceNumber resolve(String given) {
        if (given.matches("\\d+:\\d+")) {
            return DeviceNumber.parse(given);
        }
        Path p;
        if (given.startsWith("/")) {
            p = Path.of(given);
        } else {
            try {
                p = Path.of("/dev/mapper", DeviceNames.requireValid(given));
            } catch (InvalidDeviceNameException e) {
                throw new CliFailure(ExitCodes.BAD_NAME, "locate: " + e.getMessage(), e);
            }
        }
        try {
            boolean block = Files.readAttributes(p, "unix:mode").get("mode") instanceof Integer m && (m & 0170000) == 0060000;
            Object n = Files.getAttribute(p, block ? "unix:rdev" : "unix:dev", LinkOption.NOFOLLOW_LINKS);
            long d = (Long) n;
            int major = (int) (((d >>> 8) & 0xfff) | ((d >>> 32) & 0xfffff000L));
            int minor = (int) ((d & 0xff) | ((d >>> 12) & 0xffffff00L));
            return new DeviceNumber(major, minor);
        } catch (IOException | RuntimeException e) {
            throw new CliFailure(ExitCodes.BAD_NAME, "locate: no such device or path: " + given, e);
        }
    }

    /** For tests: the locator factory. */
    static void locators(java.util.function.Function<Duration, Locator> f) {
        LocateOptions.locators = f;
    }
}
