package dev.dmaudit.api;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.DeviceNumber;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Folds repeated bio-level DM_EVENTs for the same (device, op, sector) inside a window. The first
 * occurrence passes at once; repeats inside the window are counted and, when the window closes,
 * delivered as one summary event carrying their count and first/last times. Not thread-safe.
 */
final class Coalescer {
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
    private final Consumer<Event> out;
    private final LinkedHashMap<Key, Run> runs = new LinkedHashMap<>();
    private long coalesced;

    Coalescer(long windowMillis, int maxRuns, Consumer<Event> out) {
        this.windowMillis = windowMillis;
        this.maxRuns = maxRuns;
        this.out = out;
    }

    void accept(AuditEvent audit, DmEvent dm, long nowMillis) {
        expire(nowMillis);
        Key key = keyOf(dm);
        if (key == null) {
            out.accept(Event.of(audit, dm));
            return;
        }
        Run run = runs.get(key);
        if (run == null) {
            if (runs.size() >= maxRuns) {
                Iterator<Map.Entry<Key, Run>> it = runs.entrySet().iterator();
                Run oldest = it.next().getValue();
                it.remove();
                close(oldest);
            }
            runs.put(key, new Run(nowMillis + windowMillis));
            out.accept(Event.of(audit, dm));
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

    void expire(long nowMillis) {
        Iterator<Run> it = runs.values().iterator();
        while (it.hasNext()) {
            Run r = it.next();
            if (r.windowEnd > nowMillis) {
                break;
            }
            it.remove();
            close(r);
        }
    }

    void flush() {
        Iterator<Run> it = runs.values().iterator();
        while (it.hasNext()) {
            Run r = it.next();
            it.remove();
            close(r);
        }
    }

    long coalesced() {
        return coalesced;
    }

    private void close(Run r) {
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
