package dev.dmaudit.cli;

import dev.dmaudit.dm.DmSelector;
import dev.dmaudit.dm.DmSetup;
import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.KeyDisplay;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmaudit dm ...}: read-only views of device-mapper devices through dmsetup. */
@Command(name = "dm", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        description = "Show device-mapper devices via dmsetup (Debian package dmsetup).")
public final class DmCommand {
    @Spec
    CommandSpec spec;

    /** A dmsetup query that may fail with a tool error. */
    @FunctionalInterface
    private interface Query<T> {
        T run(DmSetup dm) throws DmToolException;
    }

    @Command(name = "version", description = "Library and kernel driver versions.")
    int version(@Mixin ToolOptions o) {
        writer(o).block(DmRows.version(query(o, DmSetup::version)));
        return ExitCodes.OK;
    }

    @Command(name = "targets", description = "Target types loaded in the kernel.")
    int targets(@Mixin ToolOptions o) {
        return list(o, DmSetup::targets, DmRows::target);
    }

    @Command(name = "ls", description = "Devices with their numbers.")
    int ls(@Mixin ToolOptions o) {
        return list(o, DmSetup::ls, DmRows::device);
    }

    @Command(name = "info", description = "State, open count, segments, events and UUID.")
    int info(@Mixin ToolOptions o, @Parameters(arity = "0..1", paramLabel = "NAME") String name) {
        DmSelector which = selector(name);
        return list(o, dm -> dm.info(which), DmRows::info);
    }

    @Command(name = "table", description = "Table segments, typed by target; keys are redacted.")
    int table(@Mixin ToolOptions o, @Parameters(arity = "0..1", paramLabel = "NAME") String name,
              @Option(names = "--show-keys", description = "Show crypt and integrity key material.") boolean showKeys) {
        DmSelector which = selector(name);
        KeyDisplay display = showKeys ? KeyDisplay.SHOW : KeyDisplay.REDACT;
        return list(o, dm -> dm.table(which, display), DmRows::table);
    }

    @Command(name = "status", description = "Status segments, typed by target (integrity mismatches, verity state).")
    int status(@Mixin ToolOptions o, @Parameters(arity = "0..1", paramLabel = "NAME") String name) {
        DmSelector which = selector(name);
        return list(o, dm -> dm.status(which), DmRows::status);
    }

    private <T> int list(ToolOptions o, Query<List<T>> q, Function<T, Row> toRow) {
        writer(o).lines(query(o, q).stream().map(toRow).toList());
        return ExitCodes.OK;
    }

    private static <T> T query(ToolOptions o, Query<T> q) {
        try {
            return q.run(DmTooling.dmsetup(o.timeout()));
        } catch (DmToolException e) {
            throw ToolFailures.of(e);
        }
    }

    private static DmSelector selector(String name) {
        try {
            return name == null ? DmSelector.all() : DmSelector.name(name);
        } catch (DmToolException e) {
            throw ToolFailures.of(e);
        }
    }

    private RowWriter writer(ToolOptions o) {
        return new RowWriter(spec.commandLine().getOut(), o.format);
    }
}
