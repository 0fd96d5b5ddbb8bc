package dev.dmaudit.sink;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A bounded first-in first-out store of records on disk, for an output that must keep events while
 * its destination is slow or away (Kafka's spool, {@link QueuedSink}'s overflow): segment files
 * {@code NNNNNNNNNNNNNNNNNNNN.spool} (0600, in a 0700 directory of ours) of records as the
 * {@link Codec} writes them, oldest first, at most {@code maxBytes} in all. Records are written
 * (not fsynced) as they come and reach the file at each {@link #flush}, so a spool outlives a
 * restart of dmaudit; the files are fsynced when a segment is read back or the spool closes.
 * Not thread-safe: the owner holds its lock around every call.
 *
 * @param <T> the record type
 */
public final class DiskSpool<T> {
    private static final System.Logger LOG = System.getLogger(DiskSpool.class.getName());
    private static final String SUFFIX = ".spool";
    /** A segment is closed for appending past this size; it is read back whole. */
    static final long SEGMENT_BYTES = 1 << 20;
    /** Sequence numbers start here so that {@link #prepend} can go below the oldest segment. */
    private static final long FIRST = 1_000_000_000L;
    /** No record field is larger (Kafka refuses records over 1 MB by default; journald entries over 768 MiB). */
    public static final int MAX_FIELD = 64 << 20;
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    /**
     * How records are written to and read from a segment file.
     *
     * @param <T> the record type
     */
    public interface Codec<T> {
        /**
         * @param out a segment file
         * @param r   the record
         * @throws IOException when the write fails
         */
        void write(DataOutputStream out, T r) throws IOException;

        /**
         * @param in a segment file
         * @return the next record, or null at a clean end of the file
         * @throws IOException on a torn or malformed record ({@link #readField} checks lengths)
         */
        T read(DataInputStream in) throws IOException;

        /**
         * @param r a record
         * @return the bytes {@link #write} takes for it (counted against the cap)
         */
        long encodedSize(T r);
    }

    /** Each record one byte array: its length (4 bytes, big-endian) and its bytes. */
    public static final Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public void write(DataOutputStream out, byte[] r) throws IOException {
            writeField(out, r);
        }

        @Override
        public byte[] read(DataInputStream in) throws IOException {
            int n;
            try {
                n = in.readInt();
            } catch (EOFException end) {
                return null;
            }
            return readField(in, n);
        }

        @Override
        public long encodedSize(byte[] r) {
            return 4L + r.length;
        }
    };

    private final String name;
    private final Path dir;
    private final long maxBytes;
    private final Codec<T> codec;
    /** Segment number → its size in bytes. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private long bytes;
    private long records;
    private DataOutputStream tail;
    private long tailSeq = -1;

    /**
     * Opens (creating it 0700 when absent) the spool directory and counts what an earlier run left.
     *
     * @param name     the output's name, for log lines ({@code kafka}, {@code journald})
     * @param dir      the directory; must be ours and not writable by group or others
     * @param maxBytes the cap on all segment files together
     * @param codec    how records are written and read
     * @throws IOException when the directory cannot be made, is not safe, or cannot be read
     */
    public DiskSpool(String name, Path dir, long maxBytes, Codec<T> codec) throws IOException {
        this.name = name;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.codec = codec;
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new IOException(dir + ": not a directory");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != dev.dmaudit.os.TrustedPath.effectiveUid()) {
            throw new IOException(dir + ": owned by uid " + owner + ", not by us (another user could read or forge the spooled events)");
        }
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE) || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + ": writable by group or others");
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                long seq;
                try {
                    seq = Long.parseLong(n.substring(0, n.length() - SUFFIX.length()));
                } catch (NumberFormatException e) {
                    continue;
                }
                long size = Files.size(f);
                segments.put(seq, size);
                bytes += size;
                records += countRecords(f);
            }
        }
        if (records > 0) {
            LOG.log(System.Logger.Level.INFO, name + ": " + records + " events spooled by an earlier run in " + dir + " are sent first");
        }
    }

    /** @return the directory */
    public Path dir() {
        return dir;
    }

    /** @return the cap on the files' bytes */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return records on disk */
    public long records() {
        return records;
    }

    /** @return bytes on disk */
    public long bytes() {
        return bytes;
    }

    /** @return whether no record is on disk */
    public boolean isEmpty() {
        return records == 0;
    }

    /**
     * Appends after the newest record, into the file's buffer: {@link #flush} writes it out.
     *
     * @param r the record
     * @return false when the cap would be exceeded (the caller counts a drop)
     * @throws IOException when the write fails
     */
    public boolean append(T r) throws IOException {
        long size = codec.encodedSize(r);
        if (bytes + size > maxBytes) {
            return false;
        }
        if (tail == null || segments.getOrDefault(tailSeq, 0L) >= SEGMENT_BYTES) {
            closeTail();
            tailSeq = segments.isEmpty() ? FIRST : segments.lastKey() + 1;
            tail = open(tailSeq);
            segments.put(tailSeq, 0L);
        }
        codec.write(tail, r);
        segments.merge(tailSeq, size, Long::sum);
        bytes += size;
        records++;
        return true;
    }

    /**
     * Writes what {@link #append} buffered to the file: in the page cache, so a restart of dmaudit
     * (even a kill -9) finds it.
     *
     * @throws IOException when the write fails
     */
    public void flush() throws IOException {
        if (tail != null) {
            tail.flush();
        }
    }

    /**
     * Writes records in front of the oldest (those that were in memory or unacknowledged at close).
     * The cap does not apply: they were already counted in, and dropping them now would lose
     * events the spool had accepted.
     */
    public void prepend(List<T> first) throws IOException {
        if (first.isEmpty()) {
            return;
        }
        long seq = segments.isEmpty() ? FIRST : segments.firstKey() - 1;
        long size = 0;
        try (DataOutputStream out = open(seq)) {
            for (T r : first) {
                codec.write(out, r);
                size += codec.encodedSize(r);
            }
        }
        segments.put(seq, size);
        bytes += size;
        records += first.size();
    }

    /**
     * Takes the oldest segment off the disk.
     *
     * @return its records, oldest first (empty when none)
     * @throws IOException when it cannot be read or deleted
     */
    public List<T> takeOldest() throws IOException {
        if (segments.isEmpty()) {
            return List.of();
        }
        long seq = segments.firstKey();
        if (seq == tailSeq) {
            closeTail(); // later appends start a new segment
        }
        Path f = file(seq);
        List<T> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            while (true) {
                T r = codec.read(in);
                if (r == null) {
                    break;
                }
                out.add(r);
            }
        } catch (IOException e) {
            // A torn last record (power loss mid-write): keep what was whole, say so.
            LOG.log(System.Logger.Level.WARNING, name + ": spool file " + f + " ends in a partial record (" + e.getMessage()
                    + "); " + out.size() + " whole records kept");
        }
        Files.delete(f);
        bytes -= segments.remove(seq);
        records = Math.max(0, records - out.size());
        return out;
    }

    /** Flushes to stable storage and closes the segment being written. */
    public void close() throws IOException {
        closeTail();
        try (var ch = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // fsync of a directory is not supported everywhere; the files themselves were synced
        }
    }

    private void closeTail() throws IOException {
        if (tail != null) {
            tail.flush();
            tail.close();
            try (var ch = java.nio.channels.FileChannel.open(file(tailSeq), StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            tail = null;
        }
    }

    private Path file(long seq) {
        return dir.resolve(String.format("%020d%s", seq, SUFFIX));
    }

    private DataOutputStream open(long seq) throws IOException {
        Path f = file(seq);
        // CREATE_NEW: never follows a link someone placed, never appends to a file we did not make.
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Files.createFile(f,
                PosixFilePermissions.asFileAttribute(FILE_MODE)), StandardOpenOption.APPEND), 1 << 16));
    }

    /**
     * One length-prefixed field, for codecs.
     *
     * @param out a segment file
     * @param b   the bytes
     * @throws IOException when the write fails
     */
    public static void writeField(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads a field whose length was read, for codecs.
     *
     * @param in a segment file
     * @param n  the length read before it
     * @return its bytes
     * @throws IOException when the length is out of range or the file ends inside the field
     */
    public static byte[] readField(DataInputStream in, int n) throws IOException {
        if (n < 0 || n > MAX_FIELD) {
            throw new IOException("bad field length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Whole records in a file (a torn last one is not counted: it is not sent). */
    private long countRecords(Path f) throws IOException {
        long n = 0;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            while (codec.read(in) != null) {
                n++;
            }
            return n;
        } catch (IOException torn) {
            return n;
        }
    }
}
