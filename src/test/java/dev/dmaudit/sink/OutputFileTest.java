package dev.dmaudit.sink;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.os.TrustedPath;
import dev.dmaudit.os.TrustedTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code --output} attacks of issue 18 on real files: a file pre-created by another uid
 * (4242, chown needs root) in a sticky world-writable directory, a group/world-writable file,
 * symbolic links for the file and for a directory above it, a FIFO, plus the torn-line and
 * byte-count contract. Trees live under target/ (every directory above must pass the rule).
 */
class OutputFileTest {
    private static final int OTHER = 4242;
    private Path base;

    @BeforeEach
    void trustedBase() throws IOException {
        base = TrustedTree.create("outputfile-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        TrustedTree.delete(base);
    }

    private static void assumeRoot() {
        assumeTrue(TrustedPath.effectiveUid() == 0, "needs root to chown files to another uid (" + OTHER + ")");
    }

    private Path sticky() throws IOException {
        Path d = Files.createDirectory(base.resolve("shared"));
        Files.setAttribute(d, "unix:mode", 01777); // as /tmp
        return d;
    }

    private static void write(OutputFile f, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        f.write(b, 0, b.length);
    }

    @Test
    void refusesAFilePreCreatedByAnotherUserInAStickyDirectory() throws Exception {
        assumeRoot();
        // uid 4242 makes events.jsonl 0666 first; root must not append its events to it.
        Path out = sticky().resolve("events.jsonl");
        Files.writeString(out, "");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setAttribute(out, "unix:uid", OTHER);
        assertThatThrownBy(() -> OutputFile.open(out)).isInstanceOf(IOException.class)
                .hasMessage(out + " is owned by uid " + OTHER + ", not 0; refusing to write into another user's file");
        assertThat(Files.size(out)).isZero();
    }

    @Test
    void createsANewFile0600AndRefusesAGroupOrWorldWritableOne() throws Exception {
        Path out = sticky().resolve("events.jsonl");
        try (OutputFile f = OutputFile.open(out)) {
            write(f, "a\n");
            assertThat(f.bytesWritten()).isEqualTo(2);
            assertThat(f.startedAfterTornLine()).isFalse();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThatThrownBy(() -> OutputFile.open(out)).hasMessage(out + " is group- or world-writable (mode 664); refusing to write into it");
        assertThat(Files.readString(out)).isEqualTo("a\n");
    }

    @Test
    void refusesSymbolicLinksForTheFileAndUnsafeDirectoriesAbove() throws Exception {
        assumeRoot();
        Path real = Files.createDirectory(base.resolve("real"));
        Path link = Files.createSymbolicLink(real.resolve("link.jsonl"), real.resolve("target.jsonl"));
        assertThatThrownBy(() -> OutputFile.open(link)).hasMessage(link + " is a symbolic link; refusing to follow it");
        assertThat(real.resolve("target.jsonl")).doesNotExist();

        // A directory on the way that is a link owned by another uid.
        Path theirs = Files.createSymbolicLink(base.resolve("theirs"), real);
        Files.setAttribute(theirs, "unix:uid", OTHER, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> OutputFile.open(theirs.resolve("e.jsonl")))
                .hasMessageStartingWith("unsafe directory: " + theirs + ": symbolic link owned by " + OTHER);
        // A root-owned link is followed when its target passes.
        Path ours = Files.createSymbolicLink(base.resolve("ours"), real);
        OutputFile.open(ours.resolve("e.jsonl")).close();
        assertThat(real.resolve("e.jsonl")).exists();

        // A directory another uid owns (they could rename the file away and put theirs there).
        Path userDir = Files.createDirectory(base.resolve("user"));
        Files.setAttribute(userDir, "unix:uid", OTHER);
        assertThatThrownBy(() -> OutputFile.open(userDir.resolve("e.jsonl")))
                .hasMessageStartingWith("unsafe directory: " + userDir + ": owned by " + OTHER);
        assertThat(userDir.resolve("e.jsonl")).doesNotExist();

        // World-writable without the sticky bit: anyone can rename our file.
        Path open = Files.createDirectory(base.resolve("open"));
        Files.setAttribute(open, "unix:mode", 0777);
        assertThatThrownBy(() -> OutputFile.open(open.resolve("e.jsonl")))
                .hasMessageStartingWith("unsafe directory: " + open + ": group- or world-writable");
    }

    @Test
    // Guards against the old behaviour (an open that blocks forever), not a speed; a separate thread
    // because a blocked open(2) on a FIFO ignores interrupts.
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoNeverBlocksTheOpen() throws Exception {
        Path fifo = base.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo not available");
        assertThatThrownBy(() -> OutputFile.open(fifo)).hasMessage(fifo + " is a FIFO with no reader; refusing to wait for one");
        // With a reader the open succeeds without blocking, and fstat says FIFO: refused as well.
        Process reader = new ProcessBuilder("cat", fifo.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            IOException last = null;
            for (int i = 0; i < 200; i++) { // until cat has opened its end
                try {
                    OutputFile.open(fifo).close();
                    throw new AssertionError("a FIFO was accepted");
                } catch (IOException e) {
                    last = e;
                    if (e.getMessage().endsWith("is a FIFO; refusing to write into it")) {
                        break;
                    }
                    Thread.sleep(20);
                }
            }
            assertThat(last).hasMessage(fifo + " is a FIFO; refusing to write into it");
        } finally {
            reader.destroy();
            reader.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTornLastLineGetsANewlineAndOnlyWrittenBytesAreCounted() throws Exception {
        Path out = base.resolve("events.jsonl");
        Files.writeString(out, "{\"half\":");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        try (OutputFile f = OutputFile.open(out)) {
            assertThat(f.startedAfterTornLine()).isTrue();
            assertThat(f.bytesWritten()).isZero();
            write(f, "{\"n\":1}\n");
            assertThat(f.bytesWritten()).isEqualTo(1 + 8);
        }
        assertThat(Files.readString(out)).isEqualTo("{\"half\":\n{\"n\":1}\n");
        try (OutputFile f = OutputFile.open(out)) {
            assertThat(f.startedAfterTornLine()).isFalse();
            write(f, "x\n");
            assertThat(f.bytesWritten()).isEqualTo(2);
        }
        assertThat(Files.readString(out)).endsWith("{\"n\":1}\nx\n");
    }

    @Test
    void devNullIsAccepted() throws Exception {
        try (OutputFile f = OutputFile.open(Path.of("/dev/null"))) {
            write(f, "x\n");
            assertThat(f.bytesWritten()).isEqualTo(2);
        }
    }
}
