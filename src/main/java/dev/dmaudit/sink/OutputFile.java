package dev.dmaudit.sink;

import dev.dmaudit.os.Errno;
import dev.dmaudit.os.SyscallException;
import dev.dmaudit.os.OpenedFile;
import dev.dmaudit.os.TrustedPath;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code --output} file. A root process writing into a shared directory must not write into a
 * file another user made or can swap, nor hang on a FIFO. The rule (SECURITY.md, OutputFileTest):
 *
 * <ol>
 *   <li>every directory from {@code /} to the file's directory is owned by root or the effective
 *       uid, and is not group/world-writable unless it has the sticky bit (as {@code /tmp}); a
 *       symbolic link among them must be owned by root or us and lead through directories that
 *       pass the same rule ({@link TrustedPath#checkOutputDirectory});</li>
 *   <li>the file is created new with mode 0600 ({@code O_CREAT|O_EXCL|O_NOFOLLOW}), or, when it
 *       exists, opened with {@code O_NOFOLLOW|O_NONBLOCK} (a symbolic link fails, a FIFO never
 *       blocks the open) and accepted after {@code fstat} of that descriptor only when it is a
 *       regular file owned by the effective uid that neither group nor others can write — or a
 *       character device owned by root ({@code /dev/null}; only root can make device nodes).</li>
 * </ol>
 *
 * Appended to, fsynced at close. When the existing file ends in a torn line (last byte not
 * {@code '\n'}, e.g. after a full disk), the first write starts with a newline.
 * {@link #bytesWritten()} counts the bytes that reached the file ({@code write(2)} returned).
 */
public final class OutputFile extends OutputStream {
    /** Permission bits group and others must not have on the file: S_IWGRP | S_IWOTH. */
    private static final int GROUP_OTHER_WRITE = 022;

    private final FileChannel channel;
    private final Path path;
    /** fsync applies to regular files only: on /dev/null, a FIFO or a tty it fails with EINVAL. */
    private final boolean regular;
    /** The existing file ended without '\n': a newline goes first. */
    private final boolean tornLine;
    /** A newline is still owed before the first byte. */
    private boolean newlineOwed;
    /** Bytes write(2) accepted, the separating newline included; read by stats threads. */
    private volatile long bytesWritten;

    private OutputFile(FileChannel channel, Path path, boolean regular, boolean tornLine) {
        this.channel = channel;
        this.path = path;
        this.regular = regular;
        this.tornLine = tornLine;
        this.newlineOwed = tornLine;
    }

    /**
     * Opens (or creates) the output file by the rule above.
     *
     * @param path the file
     * @return the open file, positioned at its end
     * @throws IOException when the rule refuses it (the message says which rule) or the open fails
     */
    public static OutputFile open(Path path) throws IOException {
        Path abs = path.toAbsolutePath();
        int uid = TrustedPath.effectiveUid();
        Path dir = abs.getParent();
        if (dir == null) {
            throw new IOException(path + " is not a file");
        }
        String why = TrustedPath.checkOutputDirectory(dir, uid);
        if (why != null) {
            throw new IOException("unsafe directory: " + why + " (another user could swap the file)");
        }
        OpenedFile f = openFd(abs.toString());
        try {
            boolean regular = f.type() == OpenedFile.S_IFREG;
            if (regular) {
                if (f.uid() != uid) {
                    throw new IOException(path + " is owned by uid " + f.uid() + ", not " + uid
                            + "; refusing to write into another user's file");
                }
                if ((f.mode() & GROUP_OTHER_WRITE) != 0) {
                    throw new IOException(path + " is group- or world-writable (mode " + Integer.toOctalString(f.mode() & 07777)
                            + "); refusing to write into it");
                }
            } else if (f.type() == OpenedFile.S_IFCHR) {
                if (f.uid() != 0) {
                    throw new IOException(path + " is a character device owned by uid " + f.uid() + ", not root");
                }
            } else {
                throw new IOException(path + " is " + (f.type() == OpenedFile.S_IFIFO ? "a FIFO" : "not a regular file")
                        + "; refusing to write into it");
            }
            // The descriptor's own file, whatever the name points to now: /proc/self/fd is not re-resolved.
            Path self = Path.of("/proc/self/fd/" + f.fd());
            boolean torn = regular && f.size() > 0 && lastByteIsNotNewline(self, f.size());
            FileChannel ch = FileChannel.open(self, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new OutputFile(ch, path, regular, torn);
        } finally {
            f.close();
        }
    }

    /** Creates the file new (0600), or opens the existing one; maps errno to the reason. */
    private static OpenedFile openFd(String file) throws IOException {
        try {
            try {
                return OpenedFile.openAppend(file, true);
            } catch (SyscallException e) {
                if (e.errno() != Errno.EEXIST) { // it exists: open it and check it
                    throw e;
                }
                return OpenedFile.openAppend(file, false);
            }
        } catch (SyscallException e) {
            String why = switch (e.errno()) {
                case Errno.ELOOP -> file + " is a symbolic link; refusing to follow it"; // ELOOP from O_NOFOLLOW
                case Errno.ENXIO -> file + " is a FIFO with no reader; refusing to wait for one"; // ENXIO from O_NONBLOCK
                default -> e.getMessage();
            };
            throw new IOException(why, e);
        }
    }

    /** @return whether the file's last byte is something other than '\n' (read through the descriptor's link) */
    private static boolean lastByteIsNotNewline(Path self, long size) throws IOException {
        try (FileChannel r = FileChannel.open(self, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            return r.read(b, size - 1) == 1 && b.get(0) != '\n';
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (newlineOwed && len > 0) {
            writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
            newlineOwed = false;
        }
        writeFully(ByteBuffer.wrap(b, off, len));
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            bytesWritten += channel.write(buf); // counted per write(2), so a failure leaves only what landed
        }
    }

    /** @return the bytes that reached the file so far (accepted by write(2)), including a separating newline */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** @return whether the file existed and ended in a torn line, so output started with a newline */
    boolean startedAfterTornLine() {
        return tornLine;
    }

    /** Forces written data to the disk (a no-op for a device or FIFO, which has no disk copy). */
    void sync() throws IOException {
        if (regular) {
            channel.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                sync();
            } finally {
                channel.close();
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
