package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One --format vocabulary for every command; raw (auditd lines) only where there are events. */
class FormatOptionTest {
    @Test
    void tablesRefuseRawAsAUsageErrorBeforeRunningAnything() {
        for (String[] args : new String[][] {
            {"status", "--format", "raw"}, {"dm", "ls", "--format", "raw"}, {"integrity", "status", "x", "--format", "raw"}}) {
            CliRun r = CliRun.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("--format raw is for events").doesNotContain("Exception");
        }
    }

    @Test
    void everyCommandTakesTheSameWordsInAnyCase() {
        assertThat(CliRun.run("decode", "--format", "JSON", "src/test/resources/kernel-6.1-dm-integrity/auditd/steps.log").exitCode())
                .isNotEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run("status", "--format", "yaml").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
