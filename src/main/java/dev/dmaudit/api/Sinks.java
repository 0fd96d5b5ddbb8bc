package dev.dmaudit.api;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands each event to several sinks. A sink that fails is not called again; the first failure is
 * kept for the caller and every failure is counted, so one broken output neither stops the others
 * nor goes unnoticed (see {@link Sink} for the contract). One thread at a time.
 */
final class Sinks implements Sink {
    private final List<Sink> sinks;
    private final boolean[] failed;
    private IOException firstFailure;
    private long failures;
    private long delivered;

    private Sinks(List<Sink> sinks) {
        this.sinks = List.copyOf(sinks);
        this.failed = new boolean[this.sinks.size()];
    }

    /**
     * @param sinks the sinks, in delivery order
     * @return a fan-out over them
     */
    public static Sinks of(List<Sink> sinks) {
        return new Sinks(sinks);
    }

    @Override
    public void accept(Event event) {
        delivered++;
        for (int i = 0; i < sinks.size(); i++) {
            if (!failed[i]) {
                try {
                    sinks.get(i).accept(event);
                } catch (IOException | RuntimeException e) {
                    fail(i, e);
                }
            }
        }
    }

    @Override
    public void endOfBurst() {
        for (int i = 0; i < sinks.size(); i++) {
            if (!failed[i]) {
                try {
                    sinks.get(i).endOfBurst();
                } catch (IOException | RuntimeException e) {
                    fail(i, e);
                }
            }
        }
    }

    /** Closes every sink, failed ones too (they may hold resources); failures are kept as above. */
    @Override
    public void close() {
        for (int i = 0; i < sinks.size(); i++) {
            try {
                sinks.get(i).close();
            } catch (IOException | RuntimeException e) {
                fail(i, e);
            }
        }
    }

    private void fail(int i, Exception e) {
        failed[i] = true;
        failures++;
        if (firstFailure == null) {
            firstFailure = e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    /** @return the first failure of any sink, or null */
    public IOException firstFailure() {
        return firstFailure;
    }

    /** @return how many sink calls failed */
    public long failures() {
        return failures;
    }

    /** @return the counters of every sink that keeps them, in order */
    public List<SinkCounters> eachCounters() {
        List<SinkCounters> out = new ArrayList<>(sinks.size());
        for (Sink s : sinks) {
            SinkCounters c = s.counters();
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** @return events handed to the sinks */
    public long delivered() {
        return delivered;
    }
}
