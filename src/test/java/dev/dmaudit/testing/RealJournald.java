package dev.dmaudit.testing;


import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real systemd-journald (Debian's {@code systemd} package) started for a test in a journal
 * namespace of its own ({@code systemd-journald NS}): it listens on
 * {@code /run/systemd/journal.NS/socket} and stores in {@code /var/log/journal/MACHINE.NS}, so it
 * runs beside a host journal or without systemd as PID 1, and {@code journalctl --namespace NS}
 * reads it back. {@link #close} stops it (SIGTERM, then SIGKILL after 5 s) and removes both
 * directories.
 */
public final class RealJournald implements AutoCloseable {
    /** Debian's journald. */
    public static final Path JOURNALD = Path.of("/lib/systemd/systemd-journald");

    private final String namespace;
    private final Process process;
    private final Path log;

    private RealJournald(String namespace, Process process, Path log) {
        this.namespace = namespace;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts one, or skips the test with the reason (fails instead under {@code CI=true}): it needs
     * root (it creates its directories in /run and /var/log) and the systemd package.
     *
     * @param workDir where its stdout/stderr go
     * @return the running journald, its socket ready
     * @throws Exception when it does not come up within 10 s
     */
    public static RealJournald start(Path workDir) throws Exception {
        String missing = !"root".equals(System.getProperty("user.name")) ? "needs root (journald creates /run/systemd/journal.NS)"
                : !Files.isExecutable(JOURNALD) ? JOURNALD + " missing (apt-get install systemd; .ci/run installs it)"
                : !Files.isExecutable(Path.of("/usr/bin/journalctl")) ? "journalctl missing (apt-get install systemd)" : null;
        Requirement.met(missing == null ? null : "a real journald is required: " + missing);
        String ns = "dmaudit-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        Path log = workDir.resolve("journald-" + ns + ".log");
        Process p = new ProcessBuilder(JOURNALD.toString(), ns).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        RealJournald j = new RealJournald(ns, p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(j.socket())) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                j.close();
                throw new IllegalStateException("journald did not come up: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return j;
    }

    /** @return its native protocol socket */
    public Path socket() {
        return Path.of("/run/systemd/journal." + namespace + "/socket");
    }

    /** @return the journal namespace it serves */
    public String namespace() {
        return namespace;
    }

    /**
     * Reads entries back with {@code journalctl --namespace NS -o json --all} (every field, however
     * long; binary values, which journalctl prints as byte arrays, decoded as UTF-8), waiting up to
     * 10 s until at least {@code atLeast} match (journald writes asynchronously).
     *
     * @param atLeast entries expected
     * @param matches journalctl matches, e.g. {@code SYSLOG_IDENTIFIER=dmaudit}
     * @return each entry's fields (a repeated field keeps its last value)
     * @throws Exception when journalctl fails
     */
    public List<Map<String, String>> entries(int atLeast, String... matches) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Map<String, String>> got;
        do {
            got = read(matches);
            if (got.size() >= atLeast) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return got;
    }

    private List<Map<String, String>> read(String... matches) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("journalctl", "--namespace=" + namespace, "-o", "json", "--all",
                "--no-pager", "--quiet"));
        cmd.addAll(List.of(matches));
        Path out = Files.createTempFile("journalctl", ".json");
        Path err = Files.createTempFile("journalctl", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("journalctl timed out");
            }
            // "No entries" is exit 0 with nothing printed; 1 with -q when nothing matches on some versions.
            if (p.exitValue() != 0 && Files.size(out) > 0) {
                throw new IllegalStateException("journalctl: exit " + p.exitValue() + ": " + Files.readString(err));
            }
            List<Map<String, String>> entries = new ArrayList<>();
            JsonFactory f = new JsonFactory();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    entries.add(parse(f, line));
                }
            }
            return entries;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Map<String, String> parse(JsonFactory f, String line) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (JsonParser p = f.createParser(line)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.getCurrentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY) { // binary-safe value: its bytes
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        b.write(p.getIntValue());
                    }
                    m.put(name, b.toString(StandardCharsets.UTF_8));
                } else {
                    m.put(name, t == JsonToken.VALUE_NULL ? null : p.getText());
                }
            }
        }
        return m;
    }

    /** Freezes journald (SIGSTOP): senders block once its socket's queue is full, as with a journald that cannot keep up. */
    public void pause() throws Exception {
        signal("-STOP");
    }

    /** Lets a paused journald go on (SIGCONT). */
    public void resume() throws Exception {
        signal("-CONT");
    }

    /** Kills journald at once (SIGKILL, also when paused): what it had not read is lost with it. {@link #close} still cleans up. */
    public void kill() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("journald survived SIGKILL");
        }
    }

    private void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            k.destroyForcibly();
            throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed: " + new String(k.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    /** Stops journald (bounded) and removes its runtime and journal directories. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            try {
                signal("-CONT"); // a paused journald would not act on SIGTERM
            } catch (IllegalStateException gone) {
                // it ended in between: nothing to resume
            }
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String machineId = Files.readString(Path.of("/etc/machine-id")).trim();
        for (Path dir : List.of(Path.of("/run/systemd/journal." + namespace),
                Path.of("/var/log/journal/" + machineId + "." + namespace),
                Path.of("/run/log/journal/" + machineId + "." + namespace))) {
            if (Files.exists(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(q);
                    }
                }
            }
        }
    }

    /** @return what journald printed (for failure messages) */
    public String output() throws IOException {
        return Files.readString(log);
    }
}
