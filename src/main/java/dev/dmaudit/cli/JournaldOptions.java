package dev.dmaudit.cli;

import dev.dmaudit.event.Sink;
import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.JournalSocket;
import dev.dmaudit.os.SyscallException;
import dev.dmaudit.sink.JournaldSink;
import dev.dmaudit.sink.QueuedSink;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code listen --journald}: each event as a structured journal entry (sink.JournaldSink). */
final class JournaldOptions {
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

    /**
     * @return the journal sink behind its own queue, or null without --journald
     * @throws CliFailure exit 11 when no journal listens at the socket
     */
    Sink sink() {
        if (!journald) {
            return null;
        }
        JournalSocket s;
        try {
            s = new JournalSocket(DirectLibC.get(), socket);
        } catch (SyscallException | IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.OUTPUT_ERROR, "--journald: cannot reach the journal: " + e.getMessage(), e);
        }
        return new QueuedSink("journald", new JournaldSink(s), Math.max(1, queue), Duration.ofSeconds(5));
    }
}
