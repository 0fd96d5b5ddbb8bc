package dev.dmaudit.history;

import dev.dmaudit.api.Metrics;
import dev.dmaudit.event.DeviceNameResolver;
import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Writes delivered DM events into the history: one row per DM record, the per-device, per-op,
 * per-sector and per-file aggregates in the same transaction, and the listener session's row.
 * Events without a DM record ({@code --all}) are not stored.
 *
 * <p><b>Commit policy.</b> Rows are inserted as events come and committed at the end of each
 * burst, and every {@value #BATCH} events within a long one. With a {@code downstream} sink (the
 * main output, see {@link #gating}), events are handed to it only after the transaction holding
 * them has committed: whatever the output shows is already in the store, so a {@code kill -9}
 * can lose only events that were never reported (at most one batch still being inserted).
 *
 * <p><b>Failures.</b> The history is never a reason to lose the live stream: a store that fails
 * (damaged, locked, read-only, full) is logged once, closed, and from then on every event is
 * counted as {@code failed} and passed straight on; this sink never throws the store's failure.
 * A failure of the downstream sink is its own and is thrown as usual.
 */
public final class HistorySink implements Sink {
    private static final System.Logger LOG = System.getLogger(HistorySink.class.getName());
    /** Events per transaction within a long burst: bounds the output's wait and the memory held. */
    static final int BATCH = 1024;
    /** How often the session row gets the listener's counters (cheap, but not per burst). */
    private static final long METRICS_EVERY_MS = 1000;
    /** How many events between checks of the database's size (one PRAGMA each). */
    private static final long SIZE_CHECK_EVERY = 10_000;

    /**
     * What to keep.
     *
     * @param maxAge   raw rows older than this are pruned (null: kept forever)
     * @param maxBytes the database's used size is kept below this by pruning the oldest raw rows (0: no bound)
     */
    public record Retention(Duration maxAge, long maxBytes) {
    }

    private final HistoryStore store;
    private final Sink downstream;
    private final Retention retention;
    private final Supplier<Metrics> metrics;
    private final Function<DeviceNumber, DeviceNameResolver.DeviceInfo> sysfs;
    private final Function<Event, String> location;
    private final Function<Event, String> damaged;
    private final LongSupplier clock;
    private final String mode;
    private final List<Event> pending = new ArrayList<>();
    private final Map<String, String> uuids = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1024;
        }
    };
    private PreparedStatement insertEvent;
    private Aggregates aggregates;
    private PreparedStatement touchSession;
    private PreparedStatement sessionCounters;
    private long session = -1;
    private boolean broken;
    private boolean inTransaction;
    private int uncommitted;
    private long lastMetricsMs;
    private long lastAgePruneMs;
    private long sinceSizeCheck;
    private volatile long stored;
    private volatile long failed;

    private HistorySink(Builder b) {
        this.store = b.store;
        this.downstream = b.downstream;
        this.retention = b.retention;
        this.metrics = b.metrics;
        this.sysfs = b.sysfs;
        this.location = b.location;
        this.damaged = b.damaged;
        this.clock = b.clock;
        this.mode = b.mode;
    }

    /**
     * @param store the opened store (this sink closes it), or null when it could not be opened
     *              (the sink then counts every DM event as failed and passes events on)
     * @return a builder
     */
    public static Builder builder(HistoryStore store) {
        return new Builder(store);
    }

    /** Options of a {@link HistorySink}. */
    public static final class Builder {
        private final HistoryStore store;
        private Sink downstream;
        private Retention retention = new Retention(null, 0);
        private Supplier<Metrics> metrics = () -> null;
        private Function<DeviceNumber, DeviceNameResolver.DeviceInfo> sysfs = d -> null;
        private Function<Event, String> location = e -> null;
        private Function<Event, String> damaged = e -> null;
        private LongSupplier clock = System::currentTimeMillis;
        private String mode;

        private Builder(HistoryStore store) {
            this.store = store;
        }

        /**
         * @param output the sink that may show an event only once it is committed (the main output)
         * @return this
         */
        public Builder gating(Sink output) {
            this.downstream = output;
            return this;
        }

        /**
         * @param r retention bounds
         * @return this
         */
        public Builder retention(Retention r) {
            this.retention = r;
            return this;
        }

        /**
         * @param m the listener's counters, for the session row (may return null before it is built)
         * @return this
         */
        public Builder metrics(Supplier<Metrics> m) {
            this.metrics = m;
            return this;
        }

        /**
         * @param s what sysfs says about a device (for its dm uuid), e.g. {@code DeviceNameResolver::lookup}
         * @return this
         */
        public Builder sysfs(Function<DeviceNumber, DeviceNameResolver.DeviceInfo> s) {
            this.sysfs = s;
            return this;
        }

        /**
         * @param l an event's location (a JSON object as text, from {@code --locate}), or null
         * @return this
         */
        public Builder location(Function<Event, String> l) {
            this.location = l;
            return this;
        }

        /**
         * @param d what an event's failure damaged (a file's path, a metadata kind; from
         *          {@code --locate}), or null: the key of {@code report}'s files
         * @return this
         */
        public Builder damaged(Function<Event, String> d) {
            this.damaged = d;
            return this;
        }

        /**
         * @param c the wall clock, epoch ms
         * @return this
         */
        public Builder clock(LongSupplier c) {
            this.clock = c;
            return this;
        }

        /**
         * @param m the listener's mode, for the session row
         * @return this
         */
        public Builder mode(String m) {
            this.mode = m;
            return this;
        }

        /**
         * Starts the session (one committed row) and prunes by the retention bounds. A store that
         * fails here is reported as the sink's failure and the sink passes events straight on.
         *
         * @return the sink
         */
        public HistorySink build() {
            HistorySink s = new HistorySink(this);
            s.start();
            return s;
        }
    }

    private void start() {
        if (store == null) {
            broken = true; // could not be opened: the opener said why
            return;
        }
        try {
            Connection c = store.connection();
            prune(clock.getAsLong());
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO sessions(started, updated, pid, mode) VALUES (?, ?, ?, ?)", PreparedStatement.RETURN_GENERATED_KEYS)) {
                long now = clock.getAsLong();
                st.setLong(1, now);
                st.setLong(2, now);
                st.setLong(3, ProcessHandle.current().pid());
                st.setString(4, mode);
                st.executeUpdate();
                try (var rs = st.getGeneratedKeys()) {
                    rs.next();
                    session = rs.getLong(1);
                }
            }
            insertEvent = c.prepareStatement("INSERT INTO events(session_id, time_ms, serial, idx, kind, device, name, uuid, module, op,"
                    + " sector, result, error_msg, pid, uid, comm, exe, count, location) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
            aggregates = new Aggregates(c);
            touchSession = c.prepareStatement("UPDATE sessions SET updated = ?, stored = stored + ? WHERE id = ?");
            sessionCounters = c.prepareStatement("UPDATE sessions SET datagrams = ?, records = ?, events = ?, dropped_queue = ?,"
                    + " enobufs = ?, kernel_lost_delta = ?, sink_dropped = ?, sink_failed = ?, sinks = ? WHERE id = ?");
        } catch (SQLException | IOException e) {
            fail(e);
        }
    }

    @Override
    public void accept(Event event) throws IOException {
        if (!broken && event.dm() != null) {
            try {
                uncommitted++; // before insert: a failure counts this event with the uncommitted ones
                insert(event);
            } catch (SQLException e) {
                fail(e);
            }
        } else if (event.dm() != null) {
            failed++;
        }
        if (downstream != null) {
            if (broken) {
                flushPending();
                downstream.accept(event);
            } else {
                pending.add(event);
            }
        }
        if (!broken && pending.size() + (downstream == null ? uncommitted : 0) >= BATCH) {
            commit();
            flushPending();
        }
    }

    @Override
    public void endOfBurst() throws IOException {
        commit();
        flushPending();
        if (downstream != null) {
            downstream.endOfBurst();
        }
    }

    private void flushPending() throws IOException {
        if (downstream == null || pending.isEmpty()) {
            return;
        }
        List<Event> out = new ArrayList<>(pending);
        pending.clear();
        for (Event e : out) {
            downstream.accept(e);
        }
    }

    private void insert(Event event) throws SQLException {
        if (!inTransaction) {
            store.connection().setAutoCommit(false);
            inTransaction = true;
        }
        DmEvent dm = event.dm();
        long first = event.firstMillis();
        long last = event.lastMillis();
        long n = event.count();
        String name = dm.deviceName();
        String loc = location.apply(event);
        String what = damaged.apply(event);
        int idx = 0;
        for (DmRecord r : dm.records()) {
            boolean data = r instanceof DmData;
            DeviceNumber dev = r.device();
            String device = dev == null ? null : dev.toString();
            String uuid = dev == null || name == null ? null : uuid(dev, name);
            boolean ok = r.success();
            Long sector = r instanceof DmData d && d.hasSector() ? d.sector() : null;
            PreparedStatement s = insertEvent;
            s.setLong(1, session);
            s.setLong(2, last);
            s.setLong(3, dm.serial());
            s.setInt(4, idx++);
            s.setString(5, data ? "dm_data" : "dm_control");
            s.setString(6, device);
            s.setString(7, name);
            s.setString(8, uuid);
            s.setString(9, r.module());
            s.setString(10, r.op());
            setLong(s, 11, sector);
            s.setString(12, ok ? "ok" : "failed");
            s.setString(13, r instanceof DmControl ctl ? ctl.errorMsg() : null);
            if (dm.process() != null) {
                s.setLong(14, dm.process().pid());
                s.setLong(15, dm.process().uid());
                s.setString(16, dm.process().comm());
                s.setString(17, dm.process().exe());
            } else {
                s.setNull(14, Types.INTEGER);
                s.setNull(15, Types.INTEGER);
                s.setNull(16, Types.VARCHAR);
                s.setNull(17, Types.VARCHAR);
            }
            s.setLong(18, n);
            s.setString(19, loc);
            s.addBatch();
            if (device != null) {
                aggregates.add(device, name, uuid, r.module(), r.op(), data, ok, sector, what, n, first, last);
            }
        }
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setLong(i, v);
        }
    }

    /** The dm uuid of the device now named {@code name}, read once per name from sysfs. */
    private String uuid(DeviceNumber dev, String name) {
        String key = dev + " " + name;
        if (uuids.containsKey(key)) {
            return uuids.get(key);
        }
        DeviceNameResolver.DeviceInfo info = sysfs.apply(dev);
        // Only when sysfs still shows the device the event was named after (numbers are reused).
        String uuid = info != null && name.equals(info.name()) && info.uuid() != null && !info.uuid().isEmpty() ? info.uuid() : null;
        uuids.put(key, uuid);
        return uuid;
    }

    /** Commits what was inserted (with the session's progress); a failure breaks the store. */
    private void commit() {
        if (broken || !inTransaction) {
            return;
        }
        try {
            long now = clock.getAsLong();
            touchSession.setLong(1, now);
            touchSession.setLong(2, uncommitted);
            touchSession.setLong(3, session);
            insertEvent.executeBatch();
            aggregates.write();
            touchSession.executeUpdate();
            if (now - lastMetricsMs >= METRICS_EVERY_MS) {
                lastMetricsMs = now;
                writeCounters();
            }
            store.connection().commit();
            store.connection().setAutoCommit(true);
            inTransaction = false;
            stored += uncommitted;
            sinceSizeCheck += uncommitted;
            uncommitted = 0;
            maybePrune(now);
        } catch (SQLException | IOException e) {
            fail(e);
        }
    }

    private void maybePrune(long now) throws IOException {
        boolean age = retention.maxAge() != null && now - lastAgePruneMs >= Math.min(3_600_000L, retention.maxAge().toMillis());
        boolean size = false;
        if (retention.maxBytes() > 0 && sinceSizeCheck >= SIZE_CHECK_EVERY) {
            sinceSizeCheck = 0;
            try {
                size = store.usedBytes() > retention.maxBytes();
            } catch (SQLException e) {
                throw HistoryException.of(store.path(), "cannot read its size", e);
            }
        }
        if (age || size) {
            prune(now);
        }
    }

    private void prune(long now) throws IOException {
        lastAgePruneMs = now;
        long n = store.prune(retention.maxAge(), retention.maxBytes(), now);
        if (n > 0) {
            LOG.log(System.Logger.Level.INFO, "history " + store.path() + ": pruned " + n + " old event rows (aggregates kept)");
        }
    }

    private void writeCounters() throws SQLException {
        Metrics m = metrics.get();
        if (m == null) {
            return;
        }
        PreparedStatement s = sessionCounters;
        s.setLong(1, m.datagrams());
        s.setLong(2, m.records());
        s.setLong(3, m.events());
        s.setLong(4, m.droppedByQueue());
        s.setLong(5, m.enobufs());
        setLong(s, 6, m.kernelLostDelta().isPresent() ? m.kernelLostDelta().getAsLong() : null);
        long dropped = 0;
        long sinkFailed = 0;
        StringBuilder text = new StringBuilder();
        for (SinkCounters c : m.sinks()) {
            dropped += c.dropped();
            sinkFailed += c.failed();
            text.append(text.length() == 0 ? "" : " ").append(c.statsText());
        }
        s.setLong(7, dropped);
        s.setLong(8, sinkFailed);
        s.setString(9, text.toString());
        s.setLong(10, session);
        s.executeUpdate();
    }

    private void fail(Exception e) {
        if (broken) {
            return;
        }
        broken = true;
        failed += uncommitted; // inserted, never committed
        uncommitted = 0;
        inTransaction = false;
        if (store == null) {
            return;
        }
        if (aggregates != null) {
            aggregates.clear();
        }
        store.rollbackQuietly();
        String why = e instanceof SQLException se ? HistoryException.of(store.path(), "cannot store events", se).getMessage()
                : e.getMessage();
        LOG.log(System.Logger.Level.WARNING, why + "; events are no longer stored (other outputs go on; counted as sink.history.failed)");
        try {
            store.close();
        } catch (IOException ex) {
            // already reported the failure that matters
        }
    }

    /**
     * Commits the last burst, marks the session stopped with its final counters, closes the
     * store, then closes the downstream sink.
     *
     * @throws IOException when the downstream sink fails to close
     */
    @Override
    public void close() throws IOException {
        commit();
        if (!broken) {
            try {
                long now = clock.getAsLong();
                writeCounters();
                try (PreparedStatement s = store.connection().prepareStatement("UPDATE sessions SET stopped = ?, updated = ? WHERE id = ?")) {
                    s.setLong(1, now);
                    s.setLong(2, now);
                    s.setLong(3, session);
                    s.executeUpdate();
                }
                store.close();
            } catch (SQLException | IOException e) {
                fail(e);
            }
        }
        flushPending();
        if (downstream != null) {
            downstream.close();
        }
    }

    /**
     * @return gating: the downstream sink's counters (it is the sink the listener knows); else
     *     {@link #historyCounters()}
     */
    @Override
    public SinkCounters counters() {
        return downstream != null ? downstream.counters() : historyCounters();
    }

    /** @return {@code history}: events committed, and events lost to a store failure */
    public SinkCounters historyCounters() {
        return new SinkCounters("history", stored, 0, failed);
    }

    /** @return whether the store failed (events are then passed on unstored) */
    public boolean broken() {
        return broken;
    }
}
