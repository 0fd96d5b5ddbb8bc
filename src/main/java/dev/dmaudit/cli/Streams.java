package dev.dmaudit.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The CLI's standard input and output, injected once (tests pass byte arrays). Every command
 * writes its results to {@link #out} — events as bytes, the dm/integrity/status tables through
 * picocli's writer over the same stream — and messages to picocli's error writer.
 *
 * @param in  standard input
 * @param out standard output (unbuffered; writers buffer and flush once per burst)
 */
record Streams(InputStream in, OutputStream out) {
    /** @return the process's own: fd 0 and fd 1 (not System.out, whose PrintStream locks per write) */
    static Streams system() {
        return new Streams(System.in, new FileOutputStream(FileDescriptor.out));
    }

    /**
     * @param spec any command's spec
     * @return the streams of the command line it belongs to
     */
    static Streams of(picocli.CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).streams();
    }
}
