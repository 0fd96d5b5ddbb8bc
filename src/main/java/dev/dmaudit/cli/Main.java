package dev.dmaudit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code dmaudit} command. */
@Command(name = "dmaudit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Live device-mapper audit events (DM_CTRL 1338, DM_EVENT 1339) from the Linux kernel.",
        subcommands = {
                ListenCommand.class,
                DecodeCommand.class,
                LocateCommand.class,
                DmCommand.class,
                IntegrityCommand.class,
                CommandLine.HelpCommand.class,
                StatusCommand.class,
                ReportCommand.class,
                CheckCommand.class,
                AckCommand.class,
                picocli.AutoComplete.GenerateCompletion.class,
        })
public final class Main {
    private final Streams streams;

    private Main(Streams streams) {
        this.streams = streams;
    }

    /** For picocli-codegen's ManPageGenerator (make man), which builds the command with its default factory. */
    private Main() {
        this(Streams.system());
    }

    /** @return the standard streams every command uses */
    Streams streams() {
        return streams;
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        OneLineLogging.install(System.err);
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting; used by tests.
     *
     * @param args command-line arguments
     * @return the exit code
     */
    public static int run(String... args) {
        return newCommandLine(Streams.system(), args).execute(args);
    }

    /**
     * The subcommands a command line can start with to build only that one's model. picocli
     * reflects over every command registered at start-up: the whole tree cost ~0.15 s of the ~0.4 s
     * from exec to "listening". Help, completion and man pages build the whole tree.
     */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> FAST = java.util.Map.of(
            "listen", ListenCommand::new, "decode", DecodeCommand::new, "status", StatusCommand::new,
            "dm", DmCommand::new, "integrity", IntegrityCommand::new, "locate", LocateCommand::new, "report", ReportCommand::new,
            "check", CheckCommand::new, "ack", AckCommand::new);

    /**
     * @param streams standard input and output for every command
     * @param args    the arguments: when they start with one of {@link #FAST}, only it is built
     * @return the configured command line
     */
    static CommandLine newCommandLine(Streams streams, String... args) {
        java.util.function.Supplier<Object> only = args.length > 0 ? FAST.get(args[0]) : null;
        if (only == null) {
            return newCommandLine(streams);
        }
        CommandLine.Model.CommandSpec root = CommandLine.Model.CommandSpec.wrapWithoutInspection(new Main(streams));
        root.name("dmaudit").mixinStandardHelpOptions(true).versionProvider(new VersionProvider());
        CommandLine cl = new CommandLine(root);
        cl.addSubcommand(only.get());
        return configure(cl, streams);
    }

    /**
     * Builds the configured picocli command line (exit codes, error handlers).
     *
     * @param streams standard input and output for every command
     * @return the command line
     */
    static CommandLine newCommandLine(Streams streams) {
        CommandLine cl = new CommandLine(new Main(streams));
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        return configure(cl, streams);
    }

    private static CommandLine configure(CommandLine cl, Streams streams) {
        cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(streams.out(), java.nio.charset.StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(new OneLineUsageErrors());
        cl.setExecutionExceptionHandler(new OneLineExecutionErrors());
        versionEverywhere(cl, new VersionProvider());
        return cl;
    }

    /** Subcommands do not inherit the version provider: without it `dmaudit status -V` printed nothing. */
    private static void versionEverywhere(CommandLine cl, VersionProvider provider) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(provider);
            versionEverywhere(sub, provider);
        }
    }
}
