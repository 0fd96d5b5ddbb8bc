package dev.dmaudit.kafka;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * The on-disk part of the spool: segment files {@code NNNNNNNNNNNNNNNNNNNN.spool} (0600, in a 0700
 * directory of ours) of length-prefixed records, oldest first, at most {@code maxBytes} in all.
 * Records are written (not fsynced) as they come, so a spool outlives a restart of dmaudit; the
 * files are fsynced when the sink closes. Not thread-safe: {@link Spool} holds its lock around
 * every call.
 */
final class DiskSpool {
    private static final System.Logger LOG = System.getLogger(DiskSpool.class.getName());
    private static final String SUFFIX = ".spool";
    /** A segment is closed for appending past this size; it is read back whole. */
    static final long SEGMENT_BYTES = 1 << 20;
    /** Sequence numbers start here so that {@link #prepend} can go below the oldest segment. */
    private static final long FIRST = 1_000_000_000L;
    /** No record field is larger (the producer refuses records over 1 MB by default anyway). */
    private static final int MAX_FIELD = 64 << 20;
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final long maxBytes;
    /** Segment number → its size in bytes. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private long bytes;
    private long records;
    private DataOutputStream tail;
    private long tailSeq = -1;

    /**
     * Opens (creating it 0700 when absent) the spool directory and counts what an earlier run left.
     *
     * @param dir      the directory; must be ours and not writable by group or others
     * @param maxBytes the cap on all segment files together
     * @throws IOException when the directory cannot be made, is not safe, or cannot be read
     */
    DiskSpool(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
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
            LOG.log(System.Logger.Level.INFO, "kafka: " + records + " events spooled by an earlier run in " + dir + " are sent first");
        }
    }

    /** @return records on disk */
    long records() {
        return records;
    }

    boolean isEmpty() {
        return records == 0;
    }

    /**
     * Appends after the newest record.
     *
     * @return false when the cap would be exceeded (the caller counts a drop)
     * @throws IOException when the write fails
     */
    boolean append(Spooled r) throws IOException {
        long size = encodedSize(r);
        if (bytes + size > maxBytes) {
            return false;
        }
        if (tail == null || segments.getOrDefault(tailSeq, 0L) >= SEGMENT_BYTES) {
            closeTail();
            tailSeq = segments.isEmpty() ? FIRST : segments.lastKey() + 1;
            tail = open(tailSeq);
            segments.put(tailSeq, 0L);
        }
        write(tail, r);
        tail.flush(); // in the page cache at once: a restart of dmaudit finds it
        segments.merge(tailSeq, size, Long::sum);
        bytes += size;
        records++;
        return true;
    }

    /**
     * Writes records in front of the oldest (those that were in memory or unacknowledged at close).
     * The cap does not apply: they were already counted in, and dropping them now would lose
     * events the spool had accepted.
     */
    void prepend(List<Spooled> first) throws IOException {
        if (first.isEmpty()) {
            return;
        }
        long seq = segments.isEmpty() ? FIRST : segments.firstKey() - 1;
        long size = 0;
        try (DataOutputStream out = open(seq)) {
            for (Spooled r : first) {
                write(out, r);
                size += encodedSize(r);
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
    List<Spooled> takeOldest() throws IOException {
        if (segments.isEmpty()) {
            return List.of();
        }
        long seq = segments.firstKey();
        if (seq == tailSeq) {
            closeTail(); // later appends start a new segment
        }
        Path f = file(seq);
        List<Spooled> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            while (true) {
                Spooled r = read(in);
                if (r == null) {
                    break;
                }
                out.add(r);
            }
        } catch (IOException e) {
            // A torn last record (power loss mid-write): keep what was whole, say so.
            LOG.log(System.Logger.Level.WARNING, "kafka: spool file " + f + " ends in a partial record (" + e.getMessage()
                    + "); " + out.size() + " whole records kept");
        }
        Files.delete(f);
        bytes -= segments.remove(seq);
        records = Math.max(0, records - out.size());
        return out;
    }

    /** Flushes to stable storage and closes the segment being written. */
    void close() throws IOException {
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

    private static long encodedSize(Spooled r) {
        return 16L + r.id().length() + r.kind().length() + r.key().length + r.value().length;
    }

    private static void write(DataOutputStream out, Spooled r) throws IOException {
        writeField(out, r.id().getBytes(StandardCharsets.US_ASCII));
        writeField(out, r.kind().getBytes(StandardCharsets.US_ASCII));
        writeField(out, r.key());
        writeField(out, r.value());
    }

    private static void writeField(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** @return the next record, or null at a clean end of the file */
    private static Spooled read(DataInputStream in) throws IOException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        byte[] id = readField(in, n);
        byte[] kind = readField(in, in.readInt());
        byte[] key = readField(in, in.readInt());
        byte[] value = readField(in, in.readInt());
        return new Spooled(new String(id, StandardCharsets.US_ASCII), new String(kind, StandardCharsets.US_ASCII), key, value);
    }

    private static byte[] readField(DataInputStream in, int n) throws IOException {
        if (n < 0 || n > MAX_FIELD) {
            throw new IOException("bad field length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static long countRecords(Path f) throws IOException {
        long n = 0;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            while (true) {
                int len;
                try {
                    len = in.readInt();
                } catch (EOFException end) {
                    return n;
                }
                if (!skip(in, len) || !skip(in, in.readInt()) || !skip(in, in.readInt()) || !skip(in, in.readInt())) {
                    return n;
                }
                n++;
            }
        } catch (EOFException torn) {
            return n;
        }
    }

    private static boolean skip(InputStream in, int n) throws IOException {
        if (n < 0 || n > MAX_FIELD) {
            return false;
        }
        in.skipNBytes(n); // EOFException on a torn record
        return true;
    }
}
