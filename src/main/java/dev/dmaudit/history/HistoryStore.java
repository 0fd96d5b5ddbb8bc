package dev.dmaudit.history;

import dev.dmaudit.os.NativeDir;
import dev.dmaudit.os.TrustedPath;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database behind the device health history: opening it safely (a private directory,
 * a 0600 file, WAL), its schema, and its bounds. Writing events is {@link HistoryWriter}'s,
 * reading them {@link HistoryReader}'s. One connection, one thread at a time.
 *
 * <p>Durability: WAL with {@code synchronous=NORMAL}. A commit is a write() into the WAL file, so
 * once it returns the transaction survives the process being killed ({@code kill -9}, an OOM
 * kill): the kernel holds the pages. Only a power loss or kernel crash can take back the last
 * commits since the WAL was last synced (at checkpoints); it cannot corrupt the database.
 */
public final class HistoryStore implements AutoCloseable {
    /** Where {@code listen} (as a service) and {@code report}/{@code check}/{@code ack} look by default. */
    public static final Path DEFAULT_PATH = Path.of("/var/lib/dmaudit/history.db");
    /** How long a writer waits for another's lock (an {@code ack}) before the store counts as failed. */
    static final int BUSY_TIMEOUT_MS = 2000;

    private final Path path;
    private final Connection connection;
    private final boolean readOnly;

    private HistoryStore(Path path, Connection connection, boolean readOnly) {
        this.path = path;
        this.connection = connection;
        this.readOnly = readOnly;
    }

    /**
     * Opens the history for writing, creating its directory (0700) and file (0600) when missing,
     * and brings its schema up to date.
     *
     * @param path the database file, absolute
     * @return the store
     * @throws IOException one line: an unsafe or unusable directory, a damaged, locked, read-only
     *     or newer database
     */
    public static HistoryStore openForWriting(Path path) throws IOException {
        path = path.toAbsolutePath().normalize();
        prepareFile(path);
        Connection c = null;
        try {
            c = connect(path, false, false);
            try (Statement s = c.createStatement()) {
                // Before the first table exists: lets pruning give pages back to the file system.
                s.execute("PRAGMA auto_vacuum = INCREMENTAL");
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                    if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                        throw new SQLException("cannot switch to WAL mode");
                    }
                }
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA foreign_keys = OFF");
            }
            Schema.migrate(c);
            return new HistoryStore(path, c, false);
        } catch (SQLException e) {
            closeQuietly(c);
            throw HistoryException.of(path, "cannot open for writing", e);
        }
    }

    /**
     * Opens an existing history read-only (report, check), as any user who can read the file.
     * While a writer runs, WAL lets this read a consistent snapshot without blocking it. With no
     * writer running and no {@code -wal}/{@code -shm} files a reader without write access to the
     * directory could not create them, so the file is then opened as immutable.
     *
     * @param path the database file
     * @return the store
     * @throws IOException one line: missing, unreadable, damaged or newer database
     */
    public static HistoryStore openForReading(Path path) throws IOException {
        path = path.toAbsolutePath().normalize();
        mustExist(path);
        Connection c = null;
        try {
            try {
                c = connect(path, true, false);
                checkVersion(path, c);
            } catch (SQLException e) {
                closeQuietly(c);
                c = null;
                if (Files.isWritable(path.getParent()) || Files.exists(Path.of(path + "-wal"))) {
                    throw e;
                }
                c = connect(path, true, true);
                checkVersion(path, c);
            }
            return new HistoryStore(path, c, true);
        } catch (SQLException e) {
            closeQuietly(c);
            throw HistoryException.of(path, "cannot read", e);
        }
    }

    /**
     * Opens an existing history for a small change ({@code ack}): never creates one.
     *
     * @param path the database file
     * @return the store
     * @throws IOException one line, as {@link #openForWriting}
     */
    public static HistoryStore openExisting(Path path) throws IOException {
        path = path.toAbsolutePath().normalize();
        mustExist(path);
        return openForWriting(path);
    }

    private static void mustExist(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new HistoryException("history " + path + ": no such file (it is created by dmaudit listen --history "
                    + path + ")", null);
        }
    }

    private static void checkVersion(Path path, Connection c) throws SQLException, HistoryException {
        int v = Schema.version(c);
        if (v == 0) {
            throw new HistoryException("history " + path + ": not a dmaudit history (empty schema)", null);
        }
        if (v > Schema.current()) {
            throw new HistoryException("history " + path + ": schema version " + v + " is newer than this dmaudit's ("
                    + Schema.current() + "): upgrade dmaudit", null);
        }
        if (v < Schema.current()) {
            throw new HistoryException("history " + path + ": schema version " + v + " is older than this dmaudit's ("
                    + Schema.current() + "): run dmaudit listen (or ack) once to migrate it", null);
        }
    }

    private static Connection connect(Path path, boolean readOnly, boolean immutable) throws SQLException, HistoryException {
        try {
            NativeDir.prepareSqlite();
        } catch (RuntimeException e) { // UnsafeNativeDirException: one line already
            throw new HistoryException("history " + path + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        // Sorts and temporary indexes in memory: SQLite's temp files would otherwise go to /var/tmp or /tmp.
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setReadOnly(readOnly);
        String url = "jdbc:sqlite:" + (immutable ? "file:" + path + "?immutable=1" : path);
        return config.createConnection(url);
    }

    /**
     * Creates the directory (0700) and the file (0600) when missing; refuses a directory others can
     * write or that is not ours (a writer there could plant the -wal/-shm files as links) and a
     * file that is a link, not a regular file, or not ours.
     */
    private static void prepareFile(Path path) throws IOException {
        Path dir = path.getParent();
        int uid = TrustedPath.effectiveUid();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            String why = TrustedPath.checkOutputDirectory(dir.getParent(), uid);
            if (why != null) {
                throw new HistoryException("history " + path + ": refusing to create " + dir + ": " + why, null);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // checked below
            } catch (IOException e) {
                throw new HistoryException("history " + path + ": cannot create " + dir + ": " + e.getMessage(), e);
            }
        }
        String why = TrustedPath.checkPrivateUnderSticky(dir, uid);
        if (why == null) {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir);
            if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                why = dir + ": group- or world-writable (" + PosixFilePermissions.toString(p) + ")";
            }
        }
        if (why != null) {
            throw new HistoryException("history " + path + ": refusing the directory: " + why, null);
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                throw new HistoryException("history " + path + ": not a regular file", null);
            }
            Object owner = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!Integer.valueOf(uid).equals(owner)) {
                throw new HistoryException("history " + path + ": owned by uid " + owner + ", not " + uid, null);
            }
        } catch (NoSuchFileException e) {
            throw new HistoryException("history " + path + ": cannot create: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new HistoryException("history " + path + ": cannot create: " + e.getMessage(), e);
        }
    }

    /** @return the database file */
    public Path path() {
        return path;
    }

    /** @return the JDBC connection (package use: writer, reader, tests) */
    Connection connection() {
        return connection;
    }

    /** @return whether this store was opened read-only */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Records an acknowledgement: every device's (or one device's) failures so far count as seen.
     * Nothing is deleted; a later failure makes {@code check} complain again.
     *
     * @param device MAJ:MIN or a device name, or null for all devices
     * @param note   the operator's note, or null
     * @param user   who acknowledged (login name), or null
     * @param nowMs  the time, epoch ms
     * @return how many devices were acknowledged
     * @throws IOException on a database failure, or when {@code device} is unknown
     */
    public int acknowledge(String device, String note, String user, long nowMs) throws IOException {
        try {
            connection.setAutoCommit(false);
            int n = 0;
            try (PreparedStatement sel = connection.prepareStatement(device == null
                    ? "SELECT device, failures FROM devices"
                    : "SELECT device, failures FROM devices WHERE device = ? OR name = ?");
                 PreparedStatement upd = connection.prepareStatement(
                         "UPDATE devices SET acked_failures = ?, acked_at = ?, ack_note = ? WHERE device = ?");
                 PreparedStatement log = connection.prepareStatement(
                         "INSERT INTO acks(time_ms, device, failures, note, user) VALUES (?, ?, ?, ?, ?)")) {
                if (device != null) {
                    sel.setString(1, device);
                    sel.setString(2, device);
                }
                try (ResultSet rs = sel.executeQuery()) {
                    while (rs.next()) {
                        String d = rs.getString(1);
                        long failures = rs.getLong(2);
                        upd.setLong(1, failures);
                        upd.setLong(2, nowMs);
                        upd.setString(3, note);
                        upd.setString(4, d);
                        upd.executeUpdate();
                        log.setLong(1, nowMs);
                        log.setString(2, d);
                        log.setLong(3, failures);
                        log.setString(4, note);
                        log.setString(5, user);
                        log.executeUpdate();
                        n++;
                    }
                }
            }
            connection.commit();
            return n;
        } catch (SQLException e) {
            rollbackQuietly();
            throw HistoryException.of(path, "cannot acknowledge", e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                // the connection is broken: close() says so
            }
        }
    }

    /**
     * Bounds the raw event rows: deletes those older than {@code maxAge}, then the oldest until the
     * used pages fit {@code maxBytes}, in small transactions (each holds the writer only briefly).
     * The aggregates are untouched. Freed pages are returned to the file system.
     *
     * @param maxAge   keep rows younger than this (null: no age limit)
     * @param maxBytes keep the database's used size below this (0: no size limit)
     * @param nowMs    the time, epoch ms
     * @return rows deleted
     * @throws IOException on a database failure
     */
    public long prune(Duration maxAge, long maxBytes, long nowMs) throws IOException {
        long deleted = 0;
        try {
            if (maxAge != null) {
                long cutoff = nowMs - maxAge.toMillis();
                int n;
                do {
                    n = deleteChunk("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time_ms < " + cutoff
                            + " ORDER BY id LIMIT 10000)");
                    deleted += n;
                } while (n > 0);
            }
            if (maxBytes > 0) {
                while (usedBytes() > maxBytes) {
                    long rows = count("SELECT count(*) FROM events");
                    if (rows == 0) {
                        break; // the aggregates alone: nothing more to give
                    }
                    // A tenth at a time (at least 1000 rows): few passes, each a short transaction.
                    long chunk = Math.max(1000, rows / 10);
                    deleted += deleteChunk("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT " + chunk + ")");
                }
            }
            if (deleted > 0) {
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA incremental_vacuum");
                }
            }
            return deleted;
        } catch (SQLException e) {
            throw HistoryException.of(path, "cannot prune", e);
        }
    }

    private int deleteChunk(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    /** @return the bytes of pages in use (the file minus its free list) */
    long usedBytes() throws SQLException {
        return (count("PRAGMA page_count") - count("PRAGMA freelist_count")) * count("PRAGMA page_size");
    }

    long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * @return the result of {@code PRAGMA integrity_check} ("ok" when sound)
     * @throws SQLException on a database error
     */
    String integrityCheck() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            return rs.next() ? rs.getString(1) : "no answer";
        }
    }

    void rollbackQuietly() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            // the connection is broken: the caller reports the first failure
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // reporting the failure that made us close it
            }
        }
    }

    /**
     * Closes the connection (the last writer's close checkpoints the WAL into the database).
     *
     * @throws IOException when closing fails
     */
    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } catch (SQLException e) {
            throw HistoryException.of(path, "cannot close", e);
        }
    }
}
