package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** tools/auparse-dump.c for the tests that compare with the real libauparse: built, run, its output unescaped. */
public final class AuparseDump {
    private static final Path TESTDATA = Path.of("src/test/resources/testdata");

    private AuparseDump() {
    }

    /** A finished command: exit code, stdout, stderr. */
    public record Run(int rc, String out, String err) {}

    /**
     * Builds auparse-dump; skips the calling test (assumption) without libauparse-dev or cc.
     *
     * @param dir where to put the binary
     * @return the binary
     */
    public static Path build(Path dir) throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(Path.of("/usr/include/auparse.h")),
                "libauparse-dev is not installed (apt-get install libauparse-dev); .ci/run installs it");
        Path dump = dir.resolve("auparse-dump");
        Run cc;
        try {
            cc = run(List.of("cc", "-O2", "-Wall", "-o", dump.toString(), "tools/auparse-dump.c", "-lauparse"), dir);
        } catch (IOException e) {
            assumeTrue(false, "no C compiler (cc): " + e.getMessage());
            return null;
        }
        assertThat(cc.rc).as("cc tools/auparse-dump.c: %s", cc.err).isZero();
        return dump;
    }

    /**
     * Runs a command (argument list, 60 s timeout, both outputs captured through files).
     *
     * @param cmd the command
     * @param tmp where the output files go
     * @return its result; bytes that are not UTF-8 become U+FFFD, as in dmaudit's own strings
     */
    public static Run run(List<String> cmd, Path tmp) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " timed out after 60 s");
        }
        return new Run(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
    }

    /** @return the real log fixtures of testdata/ both parsers read as they are (not the two pre-merge samples) */
    public static List<Path> realLogs() throws IOException {
        try (Stream<Path> s = Files.list(TESTDATA)) {
            // GoldenFilesTest reads these two with --dm-types 1336,1337 (pre-merge numbering)
            return s.filter(p -> p.toString().endsWith(".log"))
                    .filter(p -> !p.getFileName().toString().startsWith("seed-thread")
                            && !p.getFileName().toString().startsWith("lkml__dm-audit"))
                    .sorted().toList();
        }
    }

    /**
     * Each line of a log through {@link AuditLogParser}, as auparse numbers them (split at \n only).
     *
     * @param log the log
     * @return line number (1-based) to its record; lines that are not records are left out
     */
    public static java.util.SortedMap<Integer, AuditRecord> parsedLines(Path log) throws IOException {
        AuditLogParser parser = new AuditLogParser();
        java.util.SortedMap<Integer, AuditRecord> recs = new java.util.TreeMap<>();
        byte[] all = Files.readAllBytes(log);
        int line = 0;
        for (int start = 0; start < all.length; ) {
            int end = start;
            while (end < all.length && all[end] != '\n') {
                end++;
            }
            byte[] text = java.util.Arrays.copyOfRange(all, start, end);
            start = end + 1;
            line++;
            try {
                recs.put(line, parser.parse(text));
            } catch (MalformedRecordException e) {
                // not a record: auparse skips it too (AuparseAgreementTest compares what is left)
            }
        }
        return recs;
    }

    /**
     * @param s a name or value as auparse-dump escapes it
     * @return the text: {@code \\} and {@code \xHH} undone
     */
    public static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && s.charAt(i + 1) == '\\') {
                b.append('\\');
                i++;
            } else if (c == '\\' && s.charAt(i + 1) == 'x') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
