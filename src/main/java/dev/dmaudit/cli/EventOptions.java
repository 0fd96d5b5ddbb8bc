package dev.dmaudit.cli;

import dev.dmaudit.api.ListenerBuilder;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.dm.DeviceHealth;
import dev.dmaudit.event.Event;
import dev.dmaudit.record.interpret.Interpreter;
import dev.dmaudit.sink.OutputFormat;
import dev.dmaudit.sink.WriterSink;
import java.io.OutputStream;
import java.util.function.Function;
import java.time.Duration;
import dev.dmaudit.record.RecordTypes;
import dev.dmaudit.record.TypeMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Options shared by {@code decode} and {@code listen}: format, filters, grouping. */
final class EventOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text, json or raw (default: ${DEFAULT-VALUE}).")
    OutputFormat format = OutputFormat.TEXT;

    @Option(names = "--interpret", description = {"Show values as ausearch -i does: user and group names (this machine's),",
            "syscall and errno names, res, unset ids, capabilities, modes, socket addresses.",
            "JSON keeps the raw fields and adds each record's \"interpreted\" pairs. Not with --format raw."})
    boolean interpret;

    @Option(names = "--all", description = "Every audit event, not only device-mapper ones.")
    boolean all;

    @Option(names = "--module", split = ",", paramLabel = "MODULE", description = "Only these DM modules (integrity, crypt, verity, …).")
    List<String> modules = new ArrayList<>();

    @Option(names = "--op", split = ",", paramLabel = "OP", description = "Only these DM ops (ctr, dtr, integrity-checksum, …).")
    List<String> ops = new ArrayList<>();

    @Option(names = "--device", paramLabel = "NAME|MAJ:MIN", description = "Only this device.")
    String device;

    @Option(names = "--type", split = ",", paramLabel = "TYPE", description = "Only events holding these record types (names or numbers).")
    List<String> types = new ArrayList<>();

    @Option(names = "--dm-types", paramLabel = "CTRL,EVENT",
            description = "Read these type numbers as DM_CTRL,DM_EVENT (1336,1337 for the pre-merge patch's logs).")
    String dmTypes;

    @Option(names = "--group-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an event without EOE stays open (default: 300ms).")
    Duration groupTimeout = Duration.ofMillis(300);

    @Option(names = "--max-open-events", paramLabel = "N", description = "Most events grouped at once (default: ${DEFAULT-VALUE}).", hidden = true)
    int maxOpenEvents = 4096;

    @Option(names = "--max-line-bytes", paramLabel = "N", description = "Longest input line (default: ${DEFAULT-VALUE}).", hidden = true)
    int maxLineBytes = 1 << 20;

    @Option(names = "--stats", description = "Print counters on stderr at the end.")
    boolean stats;

    /**
     * @param out    where events go
     * @param status the device's current state for an event, or null
     * @return the text/JSON/raw output these options describe (with {@code --interpret}, names
     *         looked up through NSS)
     */
    WriterSink sink(OutputStream out, Function<Event, DeviceHealth> status) {
        if (interpret && format == OutputFormat.RAW) {
            throw new ParameterException(spec.commandLine(),
                    "--interpret applies to --format text and json; raw output is the record as received");
        }
        Interpreter interpreter = interpret ? new Interpreter(new NssIdNames()) : null;
        return WriterSink.of(format, out, status == null ? e -> null : status, interpreter);
    }

    /** @return the pipeline these options describe (its sink is the caller's) */
    EventPipeline.Builder pipeline() {
        return EventPipeline.builder().filter(filter()).typeMapping(typeMapping())
                .groupTimeout(groupTimeout).maxOpenEvents(maxOpenEvents);
    }

    /**
     * @param b a listener builder
     * @return it, with these options' filter, type mapping and grouping
     */
    ListenerBuilder applyTo(ListenerBuilder b) {
        return b.filter(filter()).typeMapping(typeMapping()).groupTimeout(groupTimeout).maxOpenEvents(maxOpenEvents);
    }

    /** @return the filter these options describe */
    EventFilter filter() {
        if (groupTimeout.toMillis() > 60_000 || maxOpenEvents < 1 || maxLineBytes < 64) {
            throw new ParameterException(spec.commandLine(), "--group-timeout (at most 60s), --max-open-events or --max-line-bytes out of range");
        }
        Set<Integer> typeNumbers = typeNumbers(types, spec);
        if (device != null && device.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--device needs a name or MAJ:MIN");
        }
        return new EventFilter(all, new HashSet<>(modules), new HashSet<>(ops), device, typeNumbers);
    }

    /**
     * @param types record type names or numbers
     * @param spec  the command, for the usage error
     * @return their numbers
     */
    static Set<Integer> typeNumbers(List<String> types, CommandSpec spec) {
        Set<Integer> typeNumbers = new HashSet<>();
        for (String t : types) {
            int n = RecordTypes.number(t.trim().toUpperCase(java.util.Locale.ROOT));
            if (n < 0) {
                try {
                    n = Integer.parseInt(t.trim());
                } catch (NumberFormatException e) {
                    n = -1;
                }
            }
            if (n < 0) {
                throw new ParameterException(spec.commandLine(), "unknown record type '" + t + "'");
            }
            typeNumbers.add(n);
        }
        return typeNumbers;
    }

    /** @return the type numbering asked for with --dm-types */
    TypeMapping typeMapping() {
        if (dmTypes == null) {
            return TypeMapping.standard();
        }
        String[] parts = dmTypes.split(",");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            int ctrl = Integer.parseInt(parts[0].trim());
            int event = Integer.parseInt(parts[1].trim());
            if (ctrl < 1000 || event < 1000 || ctrl > 2999 || event > 2999 || ctrl == event) {
                throw new NumberFormatException();
            }
            return TypeMapping.dmTypes(ctrl, event);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(),
                    "--dm-types takes two distinct type numbers 1000-2999, e.g. 1336,1337 (got '" + dmTypes + "')");
        }
    }
}
