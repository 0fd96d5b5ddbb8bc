package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** listen --exec over the replayed kernel capture, with real sh scripts as hooks. */
@org.junit.jupiter.api.extension.ExtendWith(ReplayedCapture.class)
@Timeout(60)
class ListenHooksTest {
    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path s = dir.resolve("hook.sh");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    private static List<String> serials(String text, Pattern p) {
        Matcher m = p.matcher(text);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out.stream().sorted().toList();
    }

    @Test
    void matchingEventsRunTheHookOnceEachWithTheirJson() throws IOException {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path hook = script("f='" + runs + "'/$DMAUDIT_SERIAL.$$\n"
                + "{ echo \"$DMAUDIT_OP $DMAUDIT_MODULE $DMAUDIT_DEVICE\"; cat; } > \"$f.tmp\" && mv \"$f.tmp\" \"$f\"");
        Path out = dir.resolve("events.jsonl");
        CliRun r = CliRun.run("listen", "--format", "json", "--timeout", "2s", "--stats", "--output", out.toString(),
                "--exec", hook.toString(), "--exec-filter", "op=integrity-checksum,module=integrity", "--exec-rate", "1000");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String printed = Files.readString(out);
        List<String> wanted = serials(printed,
                Pattern.compile("\\{\"serial\":(\\d+)[^\\n]*\"op\":\"integrity-checksum\""));
        assertThat(wanted).isNotEmpty();
        assertThat(serials(printed, Pattern.compile("\\{\"serial\":(\\d+)"))).hasSizeGreaterThan(wanted.size()); // some did not match
        List<Path> files;
        try (Stream<Path> s = Files.list(runs)) {
            files = s.filter(p -> !p.toString().endsWith(".tmp")).toList();
        }
        assertThat(files.stream().map(p -> p.getFileName().toString().replaceAll("\\..*", "")).sorted().toList())
                .isEqualTo(wanted); // each matching event once, no other
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            assertThat(lines.get(0)).startsWith("integrity-checksum integrity ");
            String device = lines.get(0).substring("integrity-checksum integrity ".length());
            assertThat(printed.lines()).contains(lines.get(1)); // stdin: the very line --format json printed
            assertThat(lines.get(1)).contains("\"device\":\"" + device + "\"");
        }
        assertThat(r.err()).contains("sink.exec.delivered=" + wanted.size() + " sink.exec.dropped=0 sink.exec.failed=0");
    }

    @Test
    void countLimitsTheHooksToThePrintedEvents() throws IOException {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path hook = script("cat > '" + runs + "'/$DMAUDIT_SERIAL.$$");
        Path out = dir.resolve("events.jsonl");
        CliRun r = CliRun.run("listen", "--format", "json", "--count", "3", "--output", out.toString(),
                "--exec", hook.toString(), "--exec-rate", "1000");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> printed = serials(Files.readString(out), Pattern.compile("\\{\"serial\":(\\d+)"));
        assertThat(printed).hasSize(3);
        try (Stream<Path> s = Files.list(runs)) {
            assertThat(s.map(p -> p.getFileName().toString().replaceAll("\\..*", "")).sorted().toList()).isEqualTo(printed);
        }
    }

    @Test
    void aSlowHookDoesNotDelayTheOutput() throws IOException {
        Path hook = script("sleep 5");
        Path out = dir.resolve("events.txt");
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        OneLineLogging.install(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        // --count ends listen once the output has its events: a hook holding the delivery thread would delay that by 5 s a run
        CliRun r = CliRun.run("listen", "--count", "5", "--output", out.toString(), "--stats",
                "--exec", hook.toString(), "--exec-max-running", "1", "--exec-timeout", "1s");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(5);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(15)); // generous
        OneLineLogging.install(System.err);
        assertThat(r.err()).containsPattern("sink.exec.failed=[1-9]");
        assertThat(logged.toString(java.nio.charset.StandardCharsets.UTF_8)).containsPattern("dmaudit: warning: hook \\S+hook.sh for event \\d+ killed after 1000 ms \\(--exec-timeout\\)");
    }

    @Test
    void badHookOptionsAreUsageErrors() throws IOException {
        Path hook = script("exit 0");
        assertThat(CliRun.run("listen", "--exec", "hook.sh").err()).contains("absolute path");
        assertThat(CliRun.run("listen", "--exec", hook.toString(), "--exec-filter", "colour=red").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("listen", "--exec-filter", "op=ctr").err()).contains("--exec-filter needs --exec");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxrwxrwx"));
        CliRun r = CliRun.run("listen", "--exec", hook.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("refused");
    }
}
