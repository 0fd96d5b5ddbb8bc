package dev.dmaudit.cli;

import dev.dmaudit.sink.Sanitize;

import dev.dmaudit.api.AuditLogDecoder;
import dev.dmaudit.api.Metrics;
import dev.dmaudit.sink.WriterSink;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dmaudit decode}: audit.log text in, device-mapper events out. */
@Command(name = "decode",
        mixinStandardHelpOptions = true,
        description = {"Decode auditd log lines (audit.log) into device-mapper events.",
                "Malformed lines are reported on stderr with their line number and skipped."},
        footer = {"", "Examples:",
                "  dmaudit decode /var/log/audit/audit.log",
                "  dmaudit decode --format json --module integrity audit.log | jq .dm",
                "  dmaudit decode --all --interpret audit.log             # names as ausearch -i shows them",
                "  ausearch -m DM_CTRL,DM_EVENT --raw | dmaudit decode -",
                "  dmaudit decode --dm-types 1336,1337 patch-thread.log   # pre-merge numbering",
                "  dmaudit decode --all --format raw audit.log > copy.log && ausearch -if copy.log",
                "", "Exit: 0 decoded; 2 usage; 3 input cannot be read; 11 output cannot be written;",
                "12 no line of the input was an audit record."})
public final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "audit.log file, or - for stdin (default)")
    String file = "-";

    @Mixin
    EventOptions options = new EventOptions();

    @Mixin
    LocateOptions locate = new LocateOptions();

    @Option(names = "--quiet-errors", description = "Count malformed lines but do not print each one.")
    boolean quietErrors;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        WriterSink output = options.sink(Streams.of(spec).out(), null);
        AuditLogDecoder decoder = new AuditLogDecoder(options.pipeline(), locate.wrap(List.of(output)), options.maxLineBytes);
        long[] skipped = {0};
        Metrics m;
        try (InputStream in = open()) {
            m = decoder.decode(in, (line, reason) -> {
                skipped[0]++;
                if (!quietErrors) {
                    err.println("dmaudit: line " + line + ": " + Sanitize.oneLine(reason) + " (skipped)");
                }
            });
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read " + describe() + ": " + IoErrors.reason(e), e);
        }
        if (skipped[0] > 0 || options.stats) {
            err.printf("dmaudit: %d lines, %d records, %d events (%d shown), %d malformed lines skipped%n",
                    decoder.lines(), m.records(), m.events(), output.written(), skipped[0]);
            err.flush();
        }
        if (decoder.sinkFailure() != null) {
            throw Outputs.failure(decoder.sinkFailure(), null);
        }
        if (m.records() == 0 && decoder.lines() > 0) {
            err.println("dmaudit: no line of " + describe() + " was an audit record");
            err.flush();
            return ExitCodes.NO_RECORDS;
        }
        return ExitCodes.OK;
    }

    private String describe() {
        return "-".equals(file) ? "stdin" : file;
    }

    private InputStream open() {
        if ("-".equals(file)) {
            return new BufferedInputStream(Streams.of(spec).in(), 1 << 16);
        }
        Path p = Path.of(file);
        if (Files.isDirectory(p)) {
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read " + file + ": is a directory");
        }
        try {
            return new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read " + file + ": " + IoErrors.reason(e));
        }
    }
}
