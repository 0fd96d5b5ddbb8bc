package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.os.TrustedPath;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report and check as a real non-root user (nobody, through setpriv) given read access by group,
 * while listen writes the history (WAL) and after it stopped.
 */
class HistoryReaderAccessTest {
    private ListenCommand.ListenerFactory saved;

    @BeforeEach
    void save() {
        saved = ListenCommand.factory;
    }

    @AfterEach
    void restore() {
        ListenCommand.factory = saved;
    }

    @Test
    void nobodyWithGroupReadAccessReadsWhileListenWritesAndAfter(@TempDir Path dir) throws Exception {
        assumeTrue(TrustedPath.effectiveUid() == 0, "needs root to create files for another user and switch to nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path db = dir.resolve("state/history.db");
        SyntheticDm source = new SyntheticDm(HistoryCommandsTest.burst(1, 500));
        ListenCommand.factory = b -> b.source(source).resolveDeviceNames(false).build();
        CompletableFuture<CliRun> listen = CompletableFuture.supplyAsync(() -> CliRun.run("listen", "--format", "json",
                "--output", dir.resolve("out.jsonl").toString(), "--count", "1000", "--history", db.toString()));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(dir.resolve("out.jsonl")) && Files.readAllLines(dir.resolve("out.jsonl")).size() == 500)) {
            assertThat(System.nanoTime()).as("listen stored the first 500").isLessThan(end);
            Thread.sleep(20);
        }
        // What an administrator does to let a monitoring user read: group read on the file, group x on the directory.
        Files.setPosixFilePermissions(db.getParent(), PosixFilePermissions.fromString("rwxr-x---"));
        for (Path p : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"))) {
            run(List.of("chgrp", "nogroup", p.toString()));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r-----"));
        }
        run(List.of("chgrp", "nogroup", db.getParent().toString()));
        assertThat(Path.of(db + "-wal")).as("listen is still writing (WAL)").exists();
        Path lib = readableJars(dir);

        String[] during = asNobody(lib, dir, "report", "--history", db.toString(), "--format", "json");
        assertThat(during[0]).as(during[1]).isEqualTo("0");
        assertThat(HistoryCommandsTest.perDevice(during[1]).values().stream().mapToLong(v -> v[0]).sum()).isEqualTo(500);
        String[] check = asNobody(lib, dir, "check", "--history", db.toString());
        assertThat(check[1]).as(check[2]).startsWith("DMAUDIT CRITICAL - 500 unacknowledged");
        assertThat(check[0]).isEqualTo("2");
        String[] ack = asNobody(lib, dir, "ack", "--all", "--history", db.toString());
        assertThat(ack[0]).as("read access does not let nobody acknowledge").isEqualTo(String.valueOf(ExitCodes.NO_INPUT));

        source.add(HistoryCommandsTest.burst(501, 500));
        CliRun l = listen.get(120, TimeUnit.SECONDS);
        assertThat(l.exitCode()).as(l.err()).isZero();
        // Stopped: SQLite removed the -wal/-shm files, which nobody could not create.
        assertThat(Path.of(db + "-wal")).doesNotExist();
        String[] after = asNobody(lib, dir, "report", "--history", db.toString(), "--format", "json");
        assertThat(after[0]).as(after[2]).isEqualTo("0");
        assertThat(HistoryCommandsTest.perDevice(after[1]).values().stream().mapToLong(v -> v[0]).sum()).isEqualTo(1000);
    }

    /** The jars the CLI needs, copied where nobody can read them (~/.m2 is root's). */
    private static Path readableJars(Path dir) throws IOException {
        Path lib = dir.resolve("lib");
        Files.createDirectory(lib);
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (name.endsWith(".jar") && name.matches("(sqlite-jdbc|jna|picocli|jackson-core)-.*")) {
                Files.copy(Path.of(e), lib.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
        return lib;
    }

    /** @return {exit code, stdout, stderr} of the CLI run as nobody:nogroup */
    private static String[] asNobody(Path lib, Path dir, String... args) throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        try (var jars = Files.list(lib)) {
            jars.forEach(j -> cp.add(j.toString()));
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", String.join(":", cp), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("XDG_RUNTIME_DIR");
        pb.environment().put("HOME", "/nonexistent");
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out, err.get()};
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
