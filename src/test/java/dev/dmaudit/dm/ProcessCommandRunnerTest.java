package dev.dmaudit.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmaudit.os.TrustedPath;
import dev.dmaudit.os.TrustedTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs harmless real binaries (never a shell) to prove kill, cap and error handling. */
class ProcessCommandRunnerTest {
    private static final Duration FIVE_S = Duration.ofSeconds(5);
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void capturesStdoutAndExitStatus() throws Exception {
        CommandResult r = runner.run(List.of("/bin/echo", "hello", "world"), FIVE_S);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("hello world\n");
        assertThat(r.stdoutTruncated()).isFalse();
    }

    @Test
    void nonZeroExitKeepsStderr() throws Exception {
        CommandResult r = runner.run(List.of("/bin/ls", "/nonexistent-dmaudit-path"), FIVE_S);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("nonexistent-dmaudit-path");
    }

    @Test
    void findsBareNamesOnPathAndRunsWithCLocale() throws Exception {
        CommandResult r = runner.run(List.of("env"), FIVE_S);
        assertThat(r.stdout().lines()).contains("LC_ALL=C");
    }

    /**
     * Issue 18: a root process resolved dmsetup through PATH before the sbin folders and accepted
     * relative entries, so `.` or a user's bin directory on root's PATH chose the binary.
     */
    @Test
    void aPlantedToolInARelativeOrUserOwnedPathEntryIsNeverChosen() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TrustedPath.effectiveUid() == 0, "needs root to chown a directory to uid 4242");
        Path base = TrustedTree.create("path-");
        try {
            String name = "dmaudit-planted-tool";
            Path user = Files.createDirectory(base.resolve("user-bin"));
            Path userTool = executable(user.resolve(name));
            Files.setAttribute(user, "unix:uid", 4242);
            Path rel = Files.createDirectories(Path.of("target", "rel-bin"));
            executable(rel.resolve(name));
            Path writable = Files.createDirectory(base.resolve("shared-bin"));
            executable(writable.resolve(name));
            Files.setAttribute(writable, "unix:mode", 01777);
            Path good = Files.createDirectory(base.resolve("bin"));
            Path goodTool = executable(good.resolve(name));

            String planted = String.join(":", "target/rel-bin", ".", "", user.toString(), writable.toString());
            assertThat(ProcessCommandRunner.resolve(name, planted, 0)).as("only untrusted entries").isEmpty();
            assertThat(ProcessCommandRunner.resolve(name, planted + ":" + good, 0)).contains(goodTool);
            // A tool file another uid owns, in a good directory, is not taken either.
            Files.setAttribute(goodTool, "unix:uid", 4242);
            assertThat(ProcessCommandRunner.resolve(name, planted + ":" + good, 0)).isEmpty();
            assertThat(userTool).exists();
            // The sbin folders come first, whatever PATH says: a trusted dmsetup earlier on PATH loses.
            Path dmsetup = executable(good.resolve("dmsetup"));
            Path sbin = ProcessCommandRunner.SBIN.stream().map(d -> Path.of(d, "dmsetup")).filter(Files::isExecutable)
                    .findFirst().orElse(null);
            org.junit.jupiter.api.Assumptions.assumeTrue(sbin != null, "dmsetup not installed in an sbin folder");
            assertThat(ProcessCommandRunner.resolve("dmsetup", good.toString(), 0)).contains(sbin).isNotEqualTo(java.util.Optional.of(dmsetup));
        } finally {
            TrustedTree.delete(base);
            TrustedTree.delete(Path.of("target", "rel-bin"));
        }
    }

    private static Path executable(Path p) throws java.io.IOException {
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void stdinIsEmptySoNothingWaitsForInput() throws Exception {
        CommandResult r = runner.run(List.of("/bin/cat"), FIVE_S);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void timeoutKillsTheProcessTree() {
        // timeout(1) forks sleep as its child: both must be gone, not only the direct child.
        String marker = "10.4321";
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(List.of("/usr/bin/timeout", "30", "/bin/sleep", marker),
                Duration.ofMillis(200)))
                .isInstanceOf(ToolTimeoutException.class)
                .hasMessageContaining("timeout did not finish within 200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(aliveWithArgument(marker)).isFalse();
    }

    @Test
    void plainSleepIsKilledAfterTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(List.of("/bin/sleep", "10"), Duration.ofMillis(200)))
                .isInstanceOf(ToolTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void bigOutputIsCappedAndDrainedWithoutBlocking(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big");
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 6; i++) {
            Files.write(big, chunk, i == 0 ? new java.nio.file.OpenOption[0]
                    : new java.nio.file.OpenOption[] {java.nio.file.StandardOpenOption.APPEND});
        }
        CommandResult r = runner.run(List.of("/bin/cat", big.toString(), big.toString()), Duration.ofSeconds(20));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdout()).hasSize(ProcessCommandRunner.DEFAULT_OUTPUT_CAP);
        assertThat(r.toString()).contains("(truncated)").doesNotContain("xxxx");
    }

    @Test
    void missingToolNamesItsPackage() {
        assertThatThrownBy(() -> runner.run(List.of("dmaudit-no-such-tool"), FIVE_S))
                .isInstanceOf(ToolMissingException.class)
                .hasMessage("dmaudit-no-such-tool not found: install the Debian package providing dmaudit-no-such-tool");
        assertThatThrownBy(() -> runner.run(List.of("/nonexistent/integritysetup"), FIVE_S))
                .isInstanceOf(ToolMissingException.class)
                .hasMessage("integritysetup not found: install the Debian package cryptsetup-bin");
    }

    @Test
    void knownToolsMapToTheirDebianPackages() {
        assertThat(Tool.debianPackageFor("dmsetup")).isEqualTo("dmsetup");
        assertThat(Tool.debianPackageFor("/usr/sbin/integritysetup")).isEqualTo("cryptsetup-bin");
    }

    private static boolean aliveWithArgument(String arg) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .anyMatch(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(arg)).orElse(false));
    }

}
