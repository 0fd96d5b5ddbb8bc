package dev.dmaudit.cli;

import dev.dmaudit.event.EventFilter;
import dev.dmaudit.sink.ExecSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code listen --exec}: programs run for matching events (sink.ExecSink). */
final class HookOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--exec", paramLabel = "PROGRAM",
            description = {"Run PROGRAM for each matching event (repeatable: each runs): the event's JSON object on stdin,"
                    + " DMAUDIT_DEVICE, _DEVICE_NAME, _MODULE, _OP, _SECTOR, _RESULT (ok|failed), _SERIAL, _TIME, _KIND in its environment"
                    + " (with PATH and LC_ALL=C only). PROGRAM is one absolute path to an executable, run without a shell or arguments"
                    + " (write a script for those); it must be owned by root or you and not writable by others."})
    List<Path> programs = new ArrayList<>();

    @Option(names = "--exec-filter", split = ",", paramLabel = "KEY=VALUE",
            description = "Only events matching these run --exec: module=M, op=O, device=NAME|MAJ:MIN, type=T, comma-separated or repeated;"
                    + " values of one key are alternatives, different keys must all match (default: every event listen prints).")
    List<String> filter = new ArrayList<>();

    @Option(names = "--exec-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Kill a run (and its children) after this long; counted and logged (default: 30s).")
    Duration timeout = Duration.ofSeconds(30);

    @Option(names = "--exec-max-running", paramLabel = "N", description = "Runs at once (default: ${DEFAULT-VALUE}).")
    int maxRunning = 4;

    @Option(names = "--exec-rate", paramLabel = "N",
            description = "At most N events per device per minute run --exec; the rest are dropped, counted and logged (default: ${DEFAULT-VALUE}).")
    int perDeviceMinute = 10;

    @Option(names = "--exec-queue", paramLabel = "N", hidden = true, description = "Runs waiting for a free slot before counted drops (default: ${DEFAULT-VALUE}).")
    int queue = 256;

    /**
     * @param all     listen's --all (whether non-DM events reach the hooks)
     * @return the hook sink these options describe, or null without --exec
     */
    ExecSink sink(boolean all) {
        if (programs.isEmpty()) {
            if (!filter.isEmpty()) {
                throw usage("--exec-filter needs --exec");
            }
            return null;
        }
        if (timeout.isZero() || maxRunning < 1 || perDeviceMinute < 1 || queue < 1) {
            throw usage("--exec-timeout, --exec-max-running, --exec-rate and --exec-queue must be positive");
        }
        for (Path p : programs) {
            checkProgram(p);
        }
        return new ExecSink(new ExecSink.Settings(programs, eventFilter(all), timeout, maxRunning, perDeviceMinute, queue));
    }

    private EventFilter eventFilter(boolean all) {
        if (filter.isEmpty()) {
            return null;
        }
        Set<String> modules = new HashSet<>();
        Set<String> ops = new HashSet<>();
        List<String> devices = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (String kv : filter) {
            int eq = kv.indexOf('=');
            String key = eq < 0 ? kv : kv.substring(0, eq).trim();
            String value = eq < 0 ? "" : kv.substring(eq + 1).trim();
            if (value.isEmpty()) {
                throw usage("--exec-filter takes KEY=VALUE with KEY module, op, device or type (got '" + kv + "')");
            }
            switch (key) {
                case "module" -> modules.add(value);
                case "op" -> ops.add(value);
                case "device" -> devices.add(value);
                case "type" -> types.add(value);
                default -> throw usage("--exec-filter takes KEY=VALUE with KEY module, op, device or type (got '" + kv + "')");
            }
        }
        if (devices.size() > 1) {
            throw usage("--exec-filter: one device=… at most");
        }
        return new EventFilter(all, modules, ops, devices.isEmpty() ? null : devices.get(0),
                EventOptions.typeNumbers(types, spec));
    }

    /** A hook runs as dmaudit does (root): a file others can replace would run their code as root. */
    private void checkProgram(Path p) {
        if (!p.isAbsolute()) {
            throw usage("--exec " + p + ": give an absolute path (PATH is not searched)");
        }
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw usage("--exec " + p + ": not an executable file");
        }
        try {
            String why = dev.dmaudit.sink.ExecSink.refusal(p);
            if (why != null) {
                throw usage("--exec " + p + ": refused: " + why);
            }
        } catch (IOException e) {
            throw usage("--exec " + p + ": " + IoErrors.reason(e));
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
