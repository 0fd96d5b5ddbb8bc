package dev.dmaudit.cli;

import dev.dmaudit.history.HistoryStore;
import dev.dmaudit.sink.Sanitize;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dmaudit ack}: mark the failures seen so far as looked at. */
@Command(name = "ack", mixinStandardHelpOptions = true,
        description = {"Acknowledge a device's (or every device's) data failures recorded so far: dmaudit check",
            "stops counting them. Nothing is deleted (report shows them, and when they were acknowledged);",
            "a new failure makes check complain again. Needs write access to the database."},
        footer = {"", "Examples:",
            "  sudo dmaudit ack 254:0 --note 'disk replaced, ticket 4711'",
            "  sudo dmaudit ack --all"})
public final class AckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HistoryPath history = new HistoryPath();

    @Parameters(arity = "0..1", paramLabel = "DEVICE", description = "MAJ:MIN or dm name.")
    String device;

    @Option(names = "--all", description = "Every device.")
    boolean all;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why (kept with the acknowledgement).")
    String note;

    @Override
    public Integer call() {
        if (all == (device != null)) {
            throw new ParameterException(spec.commandLine(), "give a DEVICE or --all");
        }
        int n;
        try (HistoryStore store = HistoryStore.openExisting(history.path)) {
            String user = System.getenv("SUDO_USER") != null ? System.getenv("SUDO_USER") : System.getProperty("user.name");
            n = store.acknowledge(device, note, user, System.currentTimeMillis());
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, e.getMessage(), e);
        }
        if (n == 0 && device != null) {
            throw new CliFailure(ExitCodes.BAD_NAME, "no device " + Sanitize.oneLine(device) + " in the history " + history.path);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("acknowledged " + n + " device" + (n == 1 ? "" : "s") + (device != null ? " (" + Sanitize.oneLine(device) + ")" : ""));
        out.flush();
        return ExitCodes.OK;
    }
}
