package dev.dmaudit.event;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The coalescing stage: folds repeated bio-level DM_EVENTs for the same (device, op, sector) inside
 * a window. The first occurrence passes at once; repeats inside the window are counted and, when
 * the window closes, passed on as one summary event carrying their count and first/last times.
 * Not thread-safe.
 */
final class Coalescer implements EventStage {
    private record Key(DeviceNumber dev, String module, String op, long sector) {
    }

    private static final class Run {
        final long windowEnd;
        AuditEvent lastAudit;
        DmEvent lastDm;
        long repeats;
        long firstRepeat;
        long lastRepeat;

        Run(long windowEnd) {
            this.windowEnd = windowEnd;
        }
    }

    private final long windowMillis;
    private final int maxRuns;
    private final java.util.function.LongSupplier clock;
    private final LinkedHashMap<Key, Run> runs = new LinkedHashMap<>();
    private long coalesced;

    /**
     * @param windowMillis how long repeats are folded after the first occurrence
     * @param maxRuns      the most runs held at once (the oldest closes early beyond that)
     * @param clock        the pipeline's clock, for the window of an arriving event
     */
    Coalescer(long windowMillis, int maxRuns, java.util.function.LongSupplier clock) {
        this.windowMillis = windowMillis;
        this.maxRuns = maxRuns;
        this.clock = clock;
    }

    @Override
    public void accept(Event event, Consumer<Event> out) {
        long nowMillis = clock.getAsLong();
        tick(nowMillis, out);
        AuditEvent audit = event.audit();
        DmEvent dm = event.dm();
        Key key = keyOf(dm);
        if (key == null) {
            out.accept(event);
            return;
        }
        Run run = runs.get(key);
        if (run == null) {
            if (runs.size() >= maxRuns) {
                Iterator<Map.Entry<Key, Run>> it = runs.entrySet().iterator();
                Run oldest = it.next().getValue();
                it.remove();
                close(oldest, out);
            }
            runs.put(key, new Run(nowMillis + windowMillis));
            out.accept(event);
            return;
        }
        if (run.repeats == 0) {
            run.firstRepeat = audit.timeMillis();
        }
        run.repeats++;
        run.lastRepeat = audit.timeMillis();
        run.lastAudit = audit;
        run.lastDm = dm;
        coalesced++;
    }

    @Override
    public void tick(long nowMillis, Consumer<Event> out) {
        Iterator<Run> it = runs.values().iterator();
        while (it.hasNext()) {
            Run r = it.next();
            if (r.windowEnd > nowMillis) {
                break;
            }
            it.remove();
            close(r, out);
        }
    }

    @Override
    public void flush(Consumer<Event> out) {
        Iterator<Run> it = runs.values().iterator();
        while (it.hasNext()) {
            Run r = it.next();
            it.remove();
            close(r, out);
        }
    }

    /** @return when the oldest open window closes, or Long.MAX_VALUE */
    @Override
    public long nextDeadline() {
        return runs.isEmpty() ? Long.MAX_VALUE : runs.values().iterator().next().windowEnd;
    }

    long coalesced() {
        return coalesced;
    }

    private static void close(Run r, Consumer<Event> out) {
        if (r.repeats > 0) {
            out.accept(new Event(r.lastAudit, r.lastDm, r.repeats, r.firstRepeat, r.lastRepeat, true));
        }
    }

    private static Key keyOf(DmEvent dm) {
        if (dm == null || dm.records().size() != 1 || !(dm.first() instanceof DmData d) || !d.hasSector()) {
            return null;
        }
        return new Key(d.device(), d.module(), d.op(), d.sector());
    }
}
