package dev.dmaudit.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The history's tables, versioned by {@code PRAGMA user_version}: migration {@code i} takes a
 * database from version {@code i} to {@code i + 1}, in one transaction with the version bump, so a
 * crash in the middle leaves the old version intact. A database newer than this code is refused
 * (its meaning may have changed), never written.
 *
 * <p>Raw rows ({@code events}) are bounded by retention; the aggregates ({@code devices},
 * {@code sectors}, {@code device_ops}, {@code files}) are updated in the same transaction as the
 * rows they count and are never pruned, so report and check stay right after pruning.
 */
final class Schema {
    /** Migrations, oldest first; the database's version is how many of them it has had. */
    static final List<String[]> MIGRATIONS = List.<String[]>of(new String[] {
        // One row per DM record (an event may hold several: a failed ctr and its dtr).
        """
        CREATE TABLE events(
          id INTEGER PRIMARY KEY,
          session_id INTEGER,
          time_ms INTEGER NOT NULL,
          serial INTEGER NOT NULL,
          idx INTEGER NOT NULL,
          kind TEXT NOT NULL,
          device TEXT,
          name TEXT,
          uuid TEXT,
          module TEXT,
          op TEXT,
          sector INTEGER,
          result TEXT NOT NULL,
          error_msg TEXT,
          pid INTEGER,
          uid INTEGER,
          comm TEXT,
          exe TEXT,
          count INTEGER NOT NULL DEFAULT 1,
          location TEXT)""",
        "CREATE INDEX events_time ON events(time_ms)",
        "CREATE INDEX events_device_time ON events(device, time_ms)",
        """
        CREATE TABLE devices(
          device TEXT PRIMARY KEY,
          name TEXT,
          uuid TEXT,
          events INTEGER NOT NULL DEFAULT 0,
          failures INTEGER NOT NULL DEFAULT 0,
          control_failures INTEGER NOT NULL DEFAULT 0,
          first_seen INTEGER,
          last_seen INTEGER,
          first_failure INTEGER,
          last_failure INTEGER,
          acked_failures INTEGER NOT NULL DEFAULT 0,
          acked_at INTEGER,
          ack_note TEXT)""",
        """
        CREATE TABLE sectors(
          device TEXT NOT NULL,
          sector INTEGER NOT NULL,
          failures INTEGER NOT NULL,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          PRIMARY KEY(device, sector)) WITHOUT ROWID""",
        """
        CREATE TABLE device_ops(
          device TEXT NOT NULL,
          module TEXT NOT NULL,
          op TEXT NOT NULL,
          result TEXT NOT NULL,
          count INTEGER NOT NULL,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          PRIMARY KEY(device, module, op, result)) WITHOUT ROWID""",
        """
        CREATE TABLE files(
          device TEXT NOT NULL,
          location TEXT NOT NULL,
          failures INTEGER NOT NULL,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          PRIMARY KEY(device, location)) WITHOUT ROWID""",
        // A listener run: stopped stays null after a crash; updated is its last commit.
        """
        CREATE TABLE sessions(
          id INTEGER PRIMARY KEY,
          started INTEGER NOT NULL,
          updated INTEGER NOT NULL,
          stopped INTEGER,
          pid INTEGER,
          mode TEXT,
          stored INTEGER NOT NULL DEFAULT 0,
          datagrams INTEGER,
          records INTEGER,
          events INTEGER,
          dropped_queue INTEGER,
          enobufs INTEGER,
          kernel_lost_delta INTEGER,
          sink_dropped INTEGER,
          sink_failed INTEGER,
          sinks TEXT)""",
        """
        CREATE TABLE acks(
          id INTEGER PRIMARY KEY,
          time_ms INTEGER NOT NULL,
          device TEXT NOT NULL,
          failures INTEGER NOT NULL,
          note TEXT,
          user TEXT)""",
    });

    private Schema() {
    }

    /** @return the version this code writes */
    static int current() {
        return MIGRATIONS.size();
    }

    /**
     * Brings the database to {@link #current()}.
     *
     * @param c a connection in auto-commit mode
     * @throws SQLException on a database error, or when the database is newer than this code
     */
    static void migrate(Connection c) throws SQLException {
        int v = version(c);
        if (v > current()) {
            throw new SQLException("schema version " + v + " is newer than this dmaudit's (" + current() + "): upgrade dmaudit");
        }
        for (int i = v; i < current(); i++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : MIGRATIONS.get(i)) {
                    s.executeUpdate(sql);
                }
                s.executeUpdate("PRAGMA user_version = " + (i + 1));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * @param c a connection
     * @return the database's schema version (0: empty)
     * @throws SQLException on a database error
     */
    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
