package dev.dmaudit.cli;

import dev.dmaudit.history.HistoryReader;
import dev.dmaudit.sink.Sanitize;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dmaudit check}: the history as a monitoring plugin (Nagios conventions). */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Say in one line whether the history holds unacknowledged data failures (integrity/verity",
            "corruption), with Nagios plugin conventions: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
            "By default any unacknowledged data failure is CRITICAL; dmaudit ack clears it until the next one.",
            "Works while dmaudit listen writes, as any user who can read the database."},
        footer = {"", "Examples:",
            "  dmaudit check                          # CRITICAL on any unacknowledged failure",
            "  dmaudit check --warn 1 --crit 100      # WARNING from 1, CRITICAL from 100 failures",
            "  dmaudit check --history /srv/h.db"})
public final class CheckCommand implements Callable<Integer> {
    /** Nagios plugin exit codes. */
    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    HistoryPath history = new HistoryPath();

    @Option(names = "--warn", paramLabel = "N", description = "WARNING from N unacknowledged data failures (all devices).")
    Long warn;

    @Option(names = "--crit", paramLabel = "N", description = "CRITICAL from N unacknowledged data failures (default: 1 unless only --warn is given).")
    Long crit;

    @Option(names = "--device", paramLabel = "DEVICE", description = "Only this device (MAJ:MIN or dm name).")
    String device;

    @Override
    public Integer call() {
        if ((warn != null && warn < 1) || (crit != null && crit < 1)) {
            throw new ParameterException(spec.commandLine(), "--warn and --crit must be at least 1");
        }
        long critAt = crit != null ? crit : warn != null ? Long.MAX_VALUE : 1;
        PrintWriter out = spec.commandLine().getOut();
        HistoryPath.Snapshot snap;
        try {
            snap = history.read(device, null, 1);
        } catch (IOException e) {
            out.println("DMAUDIT UNKNOWN - " + Sanitize.oneLine(e.getMessage()));
            out.flush();
            return UNKNOWN;
        }
        long unacked = 0;
        int devices = 0;
        StringBuilder which = new StringBuilder();
        for (HistoryReader.Device d : snap.devices()) {
            if (d.unacknowledged() > 0) {
                unacked += d.unacknowledged();
                devices++;
                which.append(which.length() == 0 ? "" : ", ").append(d.device())
                        .append(d.name() == null ? "" : " " + Sanitize.oneLine(d.name())).append(": ").append(d.unacknowledged())
                        .append(d.lastFailure() == null ? "" : " (last " + Instant.ofEpochMilli(d.lastFailure()) + ")");
            }
        }
        int status = unacked >= critAt ? CRITICAL : warn != null && unacked >= warn ? WARNING : OK;
        String word = switch (status) {
            case CRITICAL -> "CRITICAL";
            case WARNING -> "WARNING";
            default -> "OK";
        };
        String text = unacked == 0
                ? "no unacknowledged data failures (" + snap.devices().size() + " devices in the history)"
                : unacked + " unacknowledged data failure" + (unacked == 1 ? "" : "s") + " on " + devices + " device"
                        + (devices == 1 ? "" : "s") + ": " + which;
        out.println("DMAUDIT " + word + " - " + text + " | unacknowledged=" + unacked + ";" + (warn == null ? "" : warn) + ";"
                + (critAt == Long.MAX_VALUE ? "" : critAt) + ";0 devices=" + snap.devices().size());
        out.flush();
        return status;
    }
}
