package dev.dmaudit.cli;

import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.IntegrityFormatOptions;
import dev.dmaudit.dm.IntegrityMode;
import dev.dmaudit.dm.IntegrityOpenOptions;
import dev.dmaudit.dm.IntegritySetup;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmaudit integrity ...}: dm-integrity devices through integritysetup. */
@Command(name = "integrity", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        description = "Format, open, close and inspect dm-integrity devices via integritysetup "
                + "(Debian package cryptsetup-bin).")
public final class IntegrityCommand {
    /** format wipes the whole device by default, which takes long on a large disk. */
    private static final Duration FORMAT_TIMEOUT = Duration.ofHours(6);

    @Spec
    CommandSpec spec;

    /** An integritysetup call that may fail with a tool error. */
    @FunctionalInterface
    private interface Call<T> {
        T run(IntegritySetup is) throws DmToolException;
    }

    /** Algorithm options shared by format and open: they must match between the two. */
    static final class AlgorithmOptions {
        @Option(names = {"-I", "--integrity"}, paramLabel = "ALG",
                description = "Integrity algorithm, e.g. crc32c, sha256, hmac(sha256). Default: the tool's (crc32c).")
        String algorithm;

        @Option(names = "--key-file", paramLabel = "FILE", description = "Key for a keyed algorithm (hmac).")
        String keyFile;

        @Option(names = "--key-size", paramLabel = "BITS", description = "Size of that key in bits.")
        Integer keySizeBits;
    }

    @Command(name = "format", description = "Format DEVICE for dm-integrity. DESTROYS ALL DATA ON IT; needs --yes.")
    int format(@Mixin ToolOptions o, @Mixin AlgorithmOptions alg,
               @Parameters(paramLabel = "DEVICE") String device,
               @Option(names = {"-t", "--tag-size"}, paramLabel = "BYTES",
                       description = "Tag bytes per sector. Default: the algorithm's size.") Integer tagSize,
               @Option(names = {"-s", "--sector-size"}, paramLabel = "BYTES",
                       description = "Sector size. Default: the tool's (512).") Integer sectorSize,
               @Option(names = "--mode", paramLabel = "journal|bitmap|direct", defaultValue = "journal",
                       description = "Write mode. Default: ${DEFAULT-VALUE}.") IntegrityMode mode,
               @Option(names = "--yes", description = "Confirm that all data on DEVICE is destroyed.") boolean yes) {
        if (!mode.formattable()) {
            throw new CliFailure(ExitCodes.USAGE, "integrity format: --mode " + mode.name().toLowerCase(Locale.ROOT)
                    + " is for open only; format takes journal, bitmap or direct");
        }
        if (!yes) {
            throw new CliFailure(ExitCodes.USAGE, "integrity format destroys all data on "
                    + device + "; add --yes to confirm");
        }
        call(o, o.timeout(FORMAT_TIMEOUT), is -> {
            is.format(new IntegrityFormatOptions(device, alg.algorithm, tagSize, sectorSize, mode, alg.keyFile,
                    alg.keySizeBits));
            return null;
        });
        return done(o, "formatted", device);
    }

    @Command(name = "open", description = "Activate formatted DEVICE as /dev/mapper/NAME.")
    int open(@Mixin ToolOptions o, @Mixin AlgorithmOptions alg,
             @Parameters(index = "0", paramLabel = "DEVICE") String device,
             @Parameters(index = "1", paramLabel = "NAME") String name,
             @Option(names = "--mode", paramLabel = "journal|bitmap|direct|recovery", defaultValue = "journal",
                     description = "Write mode; must match the format. Default: ${DEFAULT-VALUE}.") IntegrityMode mode) {
        call(o, o.timeout(), is -> {
            is.open(new IntegrityOpenOptions(device, name, alg.algorithm, mode, alg.keyFile, alg.keySizeBits));
            return null;
        });
        return done(o, "opened", name);
    }

    @Command(name = "close", description = "Remove the mapping NAME.")
    int close(@Mixin ToolOptions o, @Parameters(paramLabel = "NAME") String name) {
        call(o, o.timeout(), is -> {
            is.close(name);
            return null;
        });
        return done(o, "closed", name);
    }

    @Command(name = "status", description = "Status of NAME: algorithm, tag size, failures, journal.")
    int status(@Mixin ToolOptions o, @Parameters(paramLabel = "NAME") String name) {
        writer(o).block(DmRows.integrityStatus(call(o, o.timeout(), is -> is.status(name))));
        return ExitCodes.OK;
    }

    @Command(name = "dump", description = "On-disk superblock of DEVICE.")
    int dump(@Mixin ToolOptions o, @Parameters(paramLabel = "DEVICE") String device) {
        writer(o).block(DmRows.integrityDump(call(o, o.timeout(), is -> is.dump(device))));
        return ExitCodes.OK;
    }

    private static <T> T call(ToolOptions o, Duration timeout, Call<T> c) {
        try {
            return c.run(DmTooling.integritysetup(timeout, timeout));
        } catch (DmToolException e) {
            throw ToolFailures.of(e);
        }
    }

    private int done(ToolOptions o, String action, String what) {
        writer(o).block(new Row().put("result", action).put("target", what));
        return ExitCodes.OK;
    }

    private RowWriter writer(ToolOptions o) {
        return new RowWriter(spec.commandLine().getOut(), o.format);
    }
}
