package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A command line that names a subcommand builds only that one (start-up time); the rest build all. */
class StartupTreeTest {
    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        assertThat(Main.newCommandLine(Streams.system(), "listen", "--count", "1").getSubcommands()).containsOnlyKeys("listen");
        assertThat(Main.newCommandLine(Streams.system(), "dm", "ls").getSubcommands()).containsOnlyKeys("dm");
    }

    @Test
    void helpCompletionAndUnknownWordsSeeTheWholeTree() {
        for (String[] args : new String[][] {{}, {"--help"}, {"help"}, {"generate-completion"}, {"lsiten"}}) {
            assertThat(Main.newCommandLine(Streams.system(), args).getSubcommands())
                    .containsKeys("listen", "decode", "dm", "integrity", "status", "help", "generate-completion");
        }
    }

    @Test
    void theSingleTreeStillNamesItselfDmauditAndTellsItsVersion() {
        CliRun r = CliRun.run("status", "--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("dmaudit ");
        CliRun bad = CliRun.run("decode", "--bogus");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("dmaudit decode --help");
    }
}
