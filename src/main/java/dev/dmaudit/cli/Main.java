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
                DmCommand.class,
                IntegrityCommand.class,
                CommandLine.HelpCommand.class,
                StatusCommand.class,
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
        return newCommandLine(Streams.system()).execute(args);
    }

    /**
     * Builds the configured picocli command line (exit codes, error handlers).
     *
     * @param streams standard input and output for every command
     * @return the command line
     */
    static CommandLine newCommandLine(Streams streams) {
        CommandLine cl = new CommandLine(new Main(streams));
        cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(streams.out(), java.nio.charset.StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(new OneLineUsageErrors());
        cl.setExecutionExceptionHandler(new OneLineExecutionErrors());
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
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
