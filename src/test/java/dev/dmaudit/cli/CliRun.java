package dev.dmaudit.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the CLI in-process with injected stdin/stdout (the command line's {@link Streams}) and
 * captured stderr. System.out is not redirected: a command that wrote there instead of its
 * injected stream would lose its output here, and the test would see it.
 */
record CliRun(int exitCode, String out, String err) {
    static synchronized CliRun run(byte[] stdin, String... args) {
        return run(stdin, new ByteArrayOutputStream(), args);
    }

    /** As {@link #run(byte[], String...)}, with stdout going to {@code out} (e.g. a pipe whose reader left). */
    static synchronized CliRun run(byte[] stdin, java.io.OutputStream stdout, String... args) {
        PrintStream savedErr = System.err;
        java.io.OutputStream out = stdout;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8)); // loggers write there
            InputStream in = new ByteArrayInputStream(stdin == null ? new byte[0] : stdin);
            var cl = Main.newCommandLine(new Streams(in, out), args); // as Main.run builds it
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int rc = cl.execute(args);
            return new CliRun(rc, out instanceof ByteArrayOutputStream b ? b.toString(StandardCharsets.UTF_8) : "",
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(savedErr);
        }
    }

    static CliRun run(String... args) {
        return run(null, args);
    }

    static CliRun of(String... args) {
        return run(null, args);
    }

    int code() {
        return exitCode;
    }
}
