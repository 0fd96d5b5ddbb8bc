package dev.dmaudit.cli;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmEvents;
import dev.dmaudit.event.EventAssembler;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.MalformedRecordException;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
                "  ausearch -m DM_CTRL,DM_EVENT --raw | dmaudit decode -",
                "  dmaudit decode --dm-types 1336,1337 patch-thread.log   # pre-merge numbering",
                "  dmaudit decode --all --format raw audit.log > copy.log && ausearch -if copy.log"})
public final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "audit.log file, or - for stdin (default)")
    String file = "-";

    @Mixin
    EventOptions options = new EventOptions();

    @Option(names = "--quiet-errors", description = "Count malformed lines but do not print each one.")
    boolean quietErrors;

    @Override
    public Integer call() throws IOException {
        EventFilter filter = options.filter();
        PrintWriter err = spec.commandLine().getErr();
        EventWriter writer = EventWriter.create(options.format, System.out);
        AuditLogParser parser = new AuditLogParser(options.typeMapping());
        long[] delivered = {0};
        EventAssembler assembler = new EventAssembler(options.groupTimeoutMillis, options.maxOpenEvents, ev -> {
            DmEvent dm = DmEvents.from(ev);
            if (filter.test(ev, dm)) {
                try {
                    writer.write(ev, dm);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                delivered[0]++;
            }
        });
        long lineNo = 0;
        long malformed = 0;
        try (InputStream in = open()) {
            LineReader lines = new LineReader(in, options.maxLineBytes);
            byte[] line;
            while ((line = lines.next()) != null) {
                lineNo++;
                if (line.length == 0) {
                    continue;
                }
                if (lines.lastWasTruncated()) {
                    malformed++;
                    report(err, lineNo, "line longer than " + options.maxLineBytes + " bytes", quietErrors);
                    continue;
                }
                AuditRecord r;
                try {
                    r = parser.parse(line);
                } catch (MalformedRecordException e) {
                    malformed++;
                    report(err, lineNo, e.getMessage(), quietErrors);
                    continue;
                }
                // Log time drives the grouping timeout, so a file decodes the same at any speed.
                assembler.accept(r, r.timeMillis());
            }
            assembler.flush();
            writer.flush();
        } catch (UncheckedIOException e) {
            throw new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot write output: " + e.getCause().getMessage(), e);
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read " + describe() + ": " + e.getMessage(), e);
        }
        if (malformed > 0 || options.stats) {
            var s = assembler.stats();
            err.printf("dmaudit: %d lines, %d records, %d events (%d shown), %d malformed lines skipped%n",
                    lineNo, s.records(), s.events(), delivered[0], malformed);
            err.flush();
        }
        return ExitCodes.OK;
    }

    private static void report(PrintWriter err, long lineNo, String msg, boolean quiet) {
        if (!quiet) {
            err.println("dmaudit: line " + lineNo + ": " + Sanitize.oneLine(msg) + " (skipped)");
        }
    }

    private String describe() {
        return "-".equals(file) ? "stdin" : file;
    }

    private InputStream open() {
        if ("-".equals(file)) {
            return new BufferedInputStream(System.in, 1 << 16);
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
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
