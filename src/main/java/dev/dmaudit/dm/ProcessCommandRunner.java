package dev.dmaudit.dm;

import dev.dmaudit.os.TrustedPath;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs commands with {@link ProcessBuilder}: no shell, stdin from /dev/null, {@code LC_ALL=C} so
 * the tools print the English layout the parsers expect, both output streams drained concurrently
 * with a size cap, and on timeout the whole process tree killed.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** Default cap per output stream: far above any real dmsetup output, low enough to be safe. */
    public static final int DEFAULT_OUTPUT_CAP = 4 * 1024 * 1024;
    /** Searched first, in this order: the distribution's tools before a local build, never PATH first. */
    static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");
    private static final long DRAIN_WAIT_MS = 2000;

    private final int outputCap;

    /** A runner with the {@link #DEFAULT_OUTPUT_CAP}. */
    public ProcessCommandRunner() {
        this(DEFAULT_OUTPUT_CAP);
    }

    /** @param outputCap bytes kept per output stream */
    public ProcessCommandRunner(int outputCap) {
        if (outputCap <= 0) {
            throw new IllegalArgumentException("outputCap must be positive");
        }
        this.outputCap = outputCap;
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws DmToolException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        String program = argv.get(0);
        String tool = program.substring(program.lastIndexOf('/') + 1);
        Path exe = resolve(program)
                .orElseThrow(() -> new ToolMissingException(tool, Tool.debianPackageFor(tool)));
        List<String> command = new ArrayList<>(argv);
        command.set(0, exe.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LC_ALL", "C");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new DmToolException("cannot run " + tool + ": " + e.getMessage(), e);
        }
        CappedStreamReader out = CappedStreamReader.start(process.getInputStream(), outputCap, tool + "-stdout");
        CappedStreamReader err = CappedStreamReader.start(process.getErrorStream(), outputCap, tool + "-stderr");
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                killTree(process);
                throw new ToolTimeoutException(tool, timeout);
            }
            out.await(DRAIN_WAIT_MS);
            err.await(DRAIN_WAIT_MS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new DmToolException(tool + " interrupted", e);
        }
        return new CommandResult(argv, process.exitValue(), out.text(), err.text(),
                out.truncated(), err.truncated());
    }

    /**
     * Kills a process and its descendants, children first: once the parent dies they are
     * re-parented and no longer its descendants. Waits up to a second for the parent to end.
     *
     * @param process the process
     */
    public static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Finds an executable. A path is taken as given. A bare name is looked up first in the sbin
     * folders, in this fixed order, then in PATH entries that are absolute and that only root (or
     * this uid) can change (every component from /, as {@link TrustedPath#checkDirectory}):
     * dmsetup runs as root with device-mapper's ioctls, so a relative entry ({@code .}, empty) or a
     * user's directory on PATH must not provide it. The file itself must be owned by root (or us)
     * and not group/world-writable.
     *
     * @param program a path or a bare name
     * @return the executable, if one qualifies
     */
    static Optional<Path> resolve(String program) {
        return resolve(program, System.getenv("PATH"), TrustedPath.effectiveUid());
    }

    /**
     * @param program a path or a bare name
     * @param pathEnv the PATH value, or null
     * @param uid     the effective uid
     * @return the executable, if one qualifies
     */
    static Optional<Path> resolve(String program, String pathEnv, int uid) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        Stream<String> path = pathEnv == null ? Stream.empty() : Stream.of(pathEnv.split(File.pathSeparator));
        return Stream.concat(SBIN.stream(), path)
                .filter(dir -> dir.startsWith("/"))
                .map(dir -> Path.of(dir, program))
                .filter(p -> Files.isExecutable(p) && !Files.isDirectory(p) && trusted(p, uid))
                .findFirst();
    }

    /** @return whether only root (or {@code uid}) can change the file and every directory above it */
    private static boolean trusted(Path exe, int uid) {
        try {
            Path real = exe.toRealPath();
            return TrustedPath.checkDirectory(real.getParent(), uid) == null
                    && TrustedPath.fileRefusal(real, uid) == null;
        } catch (IOException e) {
            return false;
        }
    }
}
