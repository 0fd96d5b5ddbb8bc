package dev.dmaudit.locate;

import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Sink} in front of other sinks that adds a {@link Location} to every bio-level data
 * event (a DM_EVENT with a sector) before passing it on.
 *
 * <p>Why a sink and not an {@code EventStage}: stages run on the socket reader thread, which must
 * never wait, and locating runs tools ({@code debugfs} may take a second on a large filesystem).
 * Sinks run on the listener's delivery thread, behind the bounded event queue: while a burst is
 * located, the kernel's records keep being read, and a queue that fills is counted
 * ({@code Metrics.droppedByQueue}), never a stalled socket.
 *
 * <p>Batches: events are held until {@link #endOfBurst} (no further event ready) or until
 * {@code maxBatch} are held, then all their sectors are located by one {@link Locator#locateAll}
 * call — a few tool processes per filesystem and burst, whatever the number of sectors — and the
 * events go downstream in their order, each with its location. A DM_CTRL (ctr/dtr: a table changed,
 * a device number may now belong to another device) invalidates the locator's cache first.
 * Events that are not data events pass with no location, in order.
 */
public final class LocatingSink implements Sink {
    private final Locator locator;
    private final Sink downstream;
    private final int maxBatch;
    private final List<Event> held = new ArrayList<>();
    private long located;

    /**
     * @param locator    who locates
     * @param downstream where the events go on
     * @param maxBatch   most events held before they are located (at least 1)
     */
    public LocatingSink(Locator locator, Sink downstream, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.locator = locator;
        this.downstream = downstream;
        this.maxBatch = maxBatch;
    }

    @Override
    public void accept(Event event) throws IOException {
        held.add(event);
        if (held.size() >= maxBatch) {
            flushHeld();
        }
    }

    @Override
    public void endOfBurst() throws IOException {
        flushHeld();
        downstream.endOfBurst();
    }

    @Override
    public void close() throws IOException {
        flushHeld();
        downstream.close();
    }

    /** @return data events given a location so far */
    public long located() {
        return located;
    }

    private void flushHeld() throws IOException {
        if (held.isEmpty()) {
            return;
        }
        List<Event> batch = new ArrayList<>(held);
        held.clear();
        // A table change inside the batch: locate what came before it with the old state, then forget.
        int from = 0;
        for (int i = 0; i <= batch.size(); i++) {
            if (i == batch.size() || isControl(batch.get(i))) {
                locate(batch, from, i);
                if (i < batch.size()) {
                    locator.invalidate();
                    downstream.accept(batch.get(i));
                }
                from = i + 1;
            }
        }
    }

    private void locate(List<Event> batch, int from, int to) throws IOException {
        List<Locator.Query> queries = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        for (int i = from; i < to; i++) {
            DmData d = dataRecord(batch.get(i));
            if (d != null) {
                queries.add(new Locator.Query(d.device(), d.op(), d.hasSector() ? d.sector() : -1,
                        batch.get(i).dm().origin() == DmEvent.Origin.UEVENT));
                which.add(i);
            }
        }
        List<Location> found = queries.isEmpty() ? List.of() : locator.locateAll(queries);
        int k = 0;
        for (int i = from; i < to; i++) {
            Event e = batch.get(i);
            if (k < which.size() && which.get(k) == i) {
                e = e.withLocation(found.get(k++));
                located++;
            }
            downstream.accept(e);
        }
    }

    private static boolean isControl(Event e) {
        DmEvent dm = e.dm();
        if (dm == null) {
            return false;
        }
        for (DmRecord r : dm.records()) {
            if (r instanceof DmControl) {
                return true;
            }
        }
        return false;
    }

    /** @return the first DM_EVENT of a data event, when it names a device */
    private static DmData dataRecord(Event e) {
        DmEvent dm = e.dm();
        if (dm == null || !dm.isData()) {
            return null;
        }
        for (DmRecord r : dm.records()) {
            if (r instanceof DmData d && d.device() != null) {
                return d;
            }
        }
        return null;
    }
}
