package dev.dmaudit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The {@code --output} file: appended to, created 0600, never through a symlink (a root process
 * writing into a shared directory must not be redirected by a planted link), fsynced at close.
 */
final class OutputFile extends OutputStream {
    private final FileChannel channel;
    private final Path path;
    /** fsync applies to regular files only: on /dev/null, a FIFO or a tty it fails with EINVAL. */
    private final boolean regular;

    private OutputFile(FileChannel channel, Path path, boolean regular) {
        this.channel = channel;
        this.path = path;
        this.regular = regular;
    }

    static OutputFile open(Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new IOException(path + " is a symbolic link; refusing to follow it");
        }
        Set<StandardOpenOption> opts = Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE);
        FileChannel ch;
        try {
            ch = FileChannel.open(path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                            StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException exists) {
            java.util.HashSet<java.nio.file.OpenOption> o = new java.util.HashSet<>(opts);
            o.remove(StandardOpenOption.CREATE);
            o.add(LinkOption.NOFOLLOW_LINKS);
            ch = FileChannel.open(path, o);
        }
        boolean regular;
        try {
            regular = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).isRegularFile();
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new OutputFile(ch, path, regular);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
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
