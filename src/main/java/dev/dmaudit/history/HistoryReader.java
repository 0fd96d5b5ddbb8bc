package dev.dmaudit.history;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code report} and {@code check} read from a history. Without a start time the figures
 * come from the aggregates (all time, kept when raw rows are pruned); with one they are counted
 * from the raw event rows since then (so within the retention window).
 */
public final class HistoryReader {
    /** A count per op and result on a device. */
    public record OpCount(String module, String op, String result, long count, long firstSeen, long lastSeen) {
    }

    /** A failing sector (or file, {@code where} is then the location JSON) and how often it failed. */
    public record Spot(String where, long failures, long firstSeen, long lastSeen) {
    }

    /**
     * One device's health.
     *
     * @param device          MAJ:MIN
     * @param name            the dm name last seen, or null
     * @param uuid            the dm uuid last seen, or null
     * @param events          DM records stored for it
     * @param failures        failed data records (corruption detected), repeats included
     * @param controlFailures failed control records (a constructor that failed)
     * @param distinctSectors distinct failing sectors
     * @param firstSeen       first event, epoch ms
     * @param lastSeen        last event, epoch ms
     * @param lastFailure     last data failure, epoch ms, or null
     * @param ackedFailures   failures acknowledged (all time), 0 when never
     * @param ackedAt         when last acknowledged, or null
     * @param ackNote         the last acknowledgement's note, or null
     * @param ops             counts per op
     * @param topSectors      the most failing sectors
     * @param files           failing files (from {@code --locate}), most failing first
     */
    public record Device(String device, String name, String uuid, long events, long failures, long controlFailures,
                         long distinctSectors, long firstSeen, long lastSeen, Long lastFailure, long ackedFailures,
                         Long ackedAt, String ackNote, List<OpCount> ops, List<Spot> topSectors, List<Spot> files) {
        /** @return data failures not yet acknowledged (all time) */
        public long unacknowledged() {
            return Math.max(0, failures - ackedFailures);
        }
    }

    /**
     * A listener session, for coverage.
     *
     * @param id       its row
     * @param started  epoch ms
     * @param updated  its last commit, epoch ms
     * @param stopped  epoch ms, or null when it did not stop cleanly (killed, crashed) or still runs
     * @param stored   events it stored
     * @param losses   what it lost, in --stats words ({@code dropped_queue=3 enobufs=1 …}), empty when nothing
     * @param kernelLost growth of the kernel's lost counter during it, or null when unknown
     */
    public record Session(long id, long started, long updated, Long stopped, long stored, String losses, Long kernelLost) {
    }

    /**
     * A time nobody listened, or listened with losses.
     *
     * @param from epoch ms
     * @param to   epoch ms (null: up to now, or the session may still run)
     * @param why  one line
     */
    public record Gap(long from, Long to, String why) {
    }

    private final HistoryStore store;

    /** @param store an opened store (read-only is enough) */
    public HistoryReader(HistoryStore store) {
        this.store = store;
    }

    /**
     * @param device  MAJ:MIN or a dm name, or null for every device
     * @param sinceMs count from this time (raw rows; from the aggregates when it is before every
     *                event), or null for all time (aggregates)
     * @param top     how many top sectors and files per device
     * @return the devices, most unacknowledged failures first, then by device
     * @throws IOException on a database failure
     */
    public List<Device> devices(String device, Long sinceMs, int top) throws IOException {
        Connection c = store.connection();
        List<Device> out = new ArrayList<>();
        try {
            // A start before every event asks for all time: the aggregates say it without a scan.
            if (sinceMs != null && sinceMs <= store.count("SELECT coalesce(min(first_seen), " + Long.MAX_VALUE + ") FROM devices")) {
                sinceMs = null;
            }
        } catch (SQLException e) {
            throw HistoryException.of(store.path(), "cannot read devices", e);
        }
        String sql = sinceMs == null
                ? "SELECT device, name, uuid, events, failures, control_failures,"
                        + " (SELECT count(*) FROM sectors s WHERE s.device = d.device), first_seen, last_seen, last_failure,"
                        + " acked_failures, acked_at, ack_note FROM devices d WHERE (?1 IS NULL OR device = ?1 OR name = ?1)"
                : "SELECT e.device, d.name, d.uuid, sum(e.count),"
                        + " sum(CASE WHEN e.kind = 'dm_data' AND e.result = 'failed' THEN e.count ELSE 0 END),"
                        + " sum(CASE WHEN e.kind = 'dm_control' AND e.result = 'failed' THEN e.count ELSE 0 END),"
                        + " count(DISTINCT CASE WHEN e.kind = 'dm_data' AND e.result = 'failed' THEN e.sector END),"
                        + " min(e.time_ms), max(e.time_ms),"
                        + " max(CASE WHEN e.kind = 'dm_data' AND e.result = 'failed' THEN e.time_ms END),"
                        + " d.acked_failures, d.acked_at, d.ack_note FROM events e JOIN devices d ON d.device = e.device"
                        + " WHERE e.time_ms >= ?2 AND (?1 IS NULL OR e.device = ?1 OR d.name = ?1) GROUP BY e.device";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, device);
            if (sinceMs != null) {
                s.setLong(2, sinceMs);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String dev = rs.getString(1);
                    out.add(new Device(dev, rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                            rs.getLong(7), rs.getLong(8), rs.getLong(9), nullable(rs, 10), rs.getLong(11),
                            nullable(rs, 12), rs.getString(13), ops(dev, sinceMs), spots(dev, sinceMs, top, false),
                            spots(dev, sinceMs, top, true)));
                }
            }
        } catch (SQLException e) {
            throw HistoryException.of(store.path(), "cannot read devices", e);
        }
        out.sort((a, b) -> a.unacknowledged() != b.unacknowledged() ? Long.compare(b.unacknowledged(), a.unacknowledged())
                : a.device().compareTo(b.device()));
        return out;
    }

    private static Long nullable(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private List<OpCount> ops(String device, Long sinceMs) throws SQLException {
        String sql = sinceMs == null
                ? "SELECT module, op, result, count, first_seen, last_seen FROM device_ops WHERE device = ? ORDER BY count DESC, op"
                : "SELECT module, op, result, sum(count), min(time_ms), max(time_ms) FROM events WHERE device = ? AND time_ms >= ?"
                        + " GROUP BY module, op, result ORDER BY 4 DESC, op";
        List<OpCount> out = new ArrayList<>();
        try (PreparedStatement s = store.connection().prepareStatement(sql)) {
            s.setString(1, device);
            if (sinceMs != null) {
                s.setLong(2, sinceMs);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new OpCount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        return out;
    }

    private List<Spot> spots(String device, Long sinceMs, int top, boolean files) throws SQLException {
        String col = files ? "location" : "sector";
        String sql = sinceMs == null
                ? "SELECT " + col + ", failures, first_seen, last_seen FROM " + (files ? "files" : "sectors")
                        + " WHERE device = ? ORDER BY failures DESC, " + col + " LIMIT ?"
                : "SELECT " + col + ", sum(count), min(time_ms), max(time_ms) FROM events WHERE device = ? AND time_ms >= ?"
                        + " AND kind = 'dm_data' AND result = 'failed' AND " + col + " IS NOT NULL GROUP BY " + col
                        + " ORDER BY 2 DESC, " + col + " LIMIT ?";
        List<Spot> out = new ArrayList<>();
        try (PreparedStatement s = store.connection().prepareStatement(sql)) {
            int i = 1;
            s.setString(i++, device);
            if (sinceMs != null) {
                s.setLong(i++, sinceMs);
            }
            s.setInt(i, top);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Spot(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /**
     * @param sinceMs only sessions that ran after this, or null for all
     * @return the listener sessions, oldest first
     * @throws IOException on a database failure
     */
    public List<Session> sessions(Long sinceMs) throws IOException {
        List<Session> out = new ArrayList<>();
        try (PreparedStatement s = store.connection().prepareStatement("SELECT id, started, updated, stopped, stored, dropped_queue,"
                + " enobufs, kernel_lost_delta, sink_dropped, sink_failed FROM sessions WHERE updated >= ? ORDER BY started, id")) {
            s.setLong(1, sinceMs == null ? Long.MIN_VALUE : sinceMs);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    StringBuilder losses = new StringBuilder();
                    String[] names = {"dropped_queue", "enobufs", "sink_dropped", "sink_failed"};
                    int[] columns = {6, 7, 9, 10};
                    for (int i = 0; i < names.length; i++) {
                        long v = rs.getLong(columns[i]);
                        if (v > 0) {
                            losses.append(losses.length() == 0 ? "" : " ").append(names[i]).append('=').append(v);
                        }
                    }
                    out.add(new Session(rs.getLong(1), rs.getLong(2), rs.getLong(3), nullable(rs, 4),
                            rs.getLong(5), losses.toString(), nullable(rs, 8)));
                }
            }
        } catch (SQLException e) {
            throw HistoryException.of(store.path(), "cannot read sessions", e);
        }
        return out;
    }

    /**
     * Coverage gaps: the time between one session's end (its stop, or its last commit when it was
     * killed) and the next one's start, a session that did not stop cleanly, and a session that
     * counted losses.
     *
     * @param sessions the sessions, oldest first
     * @return the gaps, oldest first
     */
    public static List<Gap> gaps(List<Session> sessions) {
        List<Gap> out = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            boolean last = i == sessions.size() - 1;
            if (!last) {
                Session next = sessions.get(i + 1);
                long end = s.stopped() != null ? s.stopped() : s.updated();
                if (s.stopped() == null) {
                    out.add(new Gap(end, next.started(), "session " + s.id() + " ended without stopping (killed or crashed) after its last commit;"
                            + " nothing listened until session " + next.id() + " started"));
                } else if (next.started() > end) {
                    out.add(new Gap(end, next.started(), "no listener between session " + s.id() + " and session " + next.id()));
                }
            }
            long end = s.stopped() != null ? s.stopped() : s.updated();
            if (!s.losses().isEmpty()) {
                out.add(new Gap(s.started(), end, "session " + s.id() + " lost events: " + s.losses()));
            }
            if (s.kernelLost() != null && s.kernelLost() > 0) {
                // Not necessarily ours: the kernel counts records it dropped from its own queues
                // (e.g. those held for an audit daemon), which a multicast listener may have received.
                out.add(new Gap(s.started(), end, "session " + s.id() + ": the kernel's lost counter grew by " + s.kernelLost()
                        + " (records it dropped from its own queues; a loss for the audit daemon, not necessarily for a multicast listener)"));
            }
        }
        return out;
    }
}
