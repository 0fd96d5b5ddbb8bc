package dev.dmaudit.cli;

import dev.dmaudit.event.Sink;
import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.JournalSocket;
import dev.dmaudit.os.SyscallException;
import dev.dmaudit.sink.DiskSpool;
import dev.dmaudit.sink.JournaldSink;
import dev.dmaudit.sink.QueuedSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code listen --journald}: each event as a structured journal entry (sink.JournaldSink). */
final class JournaldOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--journald",
            description = {"Also send each event to the systemd journal (native protocol, no libsystemd): MESSAGE is the text line,"
                    + " PRIORITY err/crit for data integrity failures, warning for a failed ctr, info otherwise;"
                    + " a MESSAGE_ID per kind and DMAUDIT_* fields (README \"journald\")."})
    boolean journald;

    @Option(names = "--journald-socket", paramLabel = "PATH", hidden = true,
            description = "The journal's native socket (default: ${DEFAULT-VALUE}; a journal namespace's is /run/systemd/journal.NS/socket).")
    Path socket = JournalSocket.DEFAULT_PATH;

    @Option(names = "--journald-queue", paramLabel = "N", hidden = true,
            description = "Events queued for the journal before counted drops (default: ${DEFAULT-VALUE}).")
    int queue = 65536;

    @Option(names = "--journald-spool-dir", paramLabel = "DIR",
            description = {"When the journal is slower than the events (a storm beyond the 65,536 queued in memory), keep the entries"
                    + " in this directory (created 0700, files 0600; e.g. /var/lib/dmaudit/journald-spool) and send them in order"
                    + " once it catches up, instead of dropping them. Entries still there at exit are sent by the next run first."})
    Path spoolDir;

    @Option(names = "--journald-spool-max", paramLabel = "SIZE",
            description = "Most bytes in --journald-spool-dir (K, M, G suffixes; default: ${DEFAULT-VALUE}); beyond it, counted drops.")
    String spoolMax = "256M";

    /**
     * @return the journal sink behind its own queue, or null without --journald
     * @throws CliFailure exit 11 when no journal listens at the socket or the spool directory cannot be used
     */
    Sink sink() {
        if (!journald) {
            if (spoolDir != null) {
                throw usage("--journald-spool-dir needs --journald");
            }
            return null;
        }
        if (spoolDir != null && !spoolDir.isAbsolute()) {
            throw usage("--journald-spool-dir " + spoolDir + ": give an absolute path");
        }
        long max;
        try {
            max = Sizes.parse(spoolMax);
        } catch (IllegalArgumentException e) {
            throw usage("--journald-spool-max: " + e.getMessage());
        }
        DiskSpool<byte[]> disk = null;
        if (spoolDir != null) {
            try {
                disk = new DiskSpool<>("journald", spoolDir, max, DiskSpool.BYTES);
            } catch (IOException e) {
                throw new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot use --journald-spool-dir " + spoolDir + ": " + IoErrors.reason(e), e);
            }
        }
        JournalSocket s;
        try {
            s = new JournalSocket(DirectLibC.get(), socket);
        } catch (SyscallException | IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.OUTPUT_ERROR, "--journald: cannot reach the journal: " + e.getMessage(), e);
        }
        JournaldSink journal = new JournaldSink(s);
        if (disk == null) {
            return new QueuedSink("journald", journal, Math.max(1, queue), GRACE);
        }
        return QueuedSink.withDiskOverflow("journald", journal, Math.max(1, queue), GRACE, disk);
    }

    /** How long close lets journald take what is queued (then the rest is spooled, or counted dropped). */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
