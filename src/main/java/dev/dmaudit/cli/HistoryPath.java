package dev.dmaudit.cli;

import dev.dmaudit.history.HistoryReader;
import dev.dmaudit.history.HistoryStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --history PATH} of report, check and ack, and what they share: opening it, reading devices. */
final class HistoryPath {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--history", paramLabel = "PATH", description = "The history database (default: ${DEFAULT-VALUE}).")
    Path path = HistoryStore.DEFAULT_PATH;

    /**
     * @param since null, a duration ago ({@code 24h}, {@code 7d}), an instant ({@code 2026-12-01T10:00:00Z}) or a UTC date
     * @param nowMs the time, epoch ms
     * @return epoch ms, or null for null
     */
    Long sinceMillis(String since, long nowMs) {
        if (since == null) {
            return null;
        }
        if (since.matches("\\d+[a-z]*")) {
            Duration d = new DurationConverter().convert(since);
            return nowMs - d.toMillis();
        }
        try {
            return Instant.parse(since).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(since).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new ParameterException(spec.commandLine(), "--since takes a duration ago (24h, 7d), an instant"
                        + " (2026-12-01T10:00:00Z) or a date (2026-12-01), not '" + since + "'");
            }
        }
    }

    /**
     * @param device  a device or null
     * @param sinceMs a start or null
     * @param top     top sectors/files per device
     * @return the devices, with the sessions for gaps
     * @throws IOException one line naming the file when it cannot be read
     */
    Snapshot read(String device, Long sinceMs, int top) throws IOException {
        try (HistoryStore store = HistoryStore.openForReading(path)) {
            HistoryReader r = new HistoryReader(store);
            List<HistoryReader.Session> sessions = r.sessions(sinceMs);
            return new Snapshot(r.devices(device, sinceMs, top), sessions, HistoryReader.gaps(sessions));
        }
    }

    /** What report and check show. */
    record Snapshot(List<HistoryReader.Device> devices, List<HistoryReader.Session> sessions, List<HistoryReader.Gap> gaps) {
    }
}
