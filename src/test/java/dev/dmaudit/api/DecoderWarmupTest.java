package dev.dmaudit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DecoderWarmupTest {
    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void syntheticRecordsAllDecodeAsTheRealPathWould() {
        ListenerSettings settings = new ListenerSettings();
        assertEquals(20_000, DecoderWarmup.run(settings, 20_000, 60_000));
    }

    /** A time budget far below the record budget ends it; a hang here would fail at the timeout. */
    @Test
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.SECONDS)
    void stopsAtItsTimeBudgetAndLeavesTheRealSettingsAlone() {
        ListenerSettings settings = new ListenerSettings();
        long started = System.nanoTime();
        long records = DecoderWarmup.run(settings, Long.MAX_VALUE, 50);
        assertTrue(records > 0);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30);
        assertEquals(java.nio.file.Path.of("/sys"), settings.sysfsRoot, "the real listener still names devices");
        assertEquals(65536, settings.queueCapacity);
    }

    /** Records what reaches it: events, and the size of each burst it was told of. */
    private static class Recording implements Sink {
        final List<Integer> bursts = new ArrayList<>();
        final Recording twin;
        int events;
        int pending;
        boolean closed;

        Recording(Recording twin) {
            this.twin = twin;
        }

        @Override
        public void accept(Event event) {
            events++;
            pending++;
        }

        @Override
        public void endOfBurst() {
            if (pending > 0) {
                bursts.add(pending);
            }
            pending = 0;
        }

        @Override
        public void close() {
            endOfBurst();
            closed = true;
        }

        @Override
        public Sink warmUpTwin() {
            return twin;
        }
    }

    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void runsLoneEventsThroughTheSinksTwinsNeverThroughTheSinks() {
        ListenerSettings settings = new ListenerSettings();
        Recording twin = new Recording(null);
        Recording real = new Recording(twin);
        Recording noTwin = new Recording(null);
        settings.sinks.add(real);
        settings.sinks.add(noTwin);
        settings.sinks.add(new Recording(null) {
            @Override
            public Sink warmUpTwin() {
                throw new IllegalStateException("cannot make one");
            }
        });
        assertEquals(20_480, DecoderWarmup.run(settings, 20_480, 60_000));
        assertEquals(0, real.events, "the real sink sees no made-up event");
        assertEquals(0, noTwin.events);
        // 2,048 rounds of 10 records: the first three quarters a storm's, decoded only; the last
        // 512 rounds one datagram a burst through a pipeline passing all 4 events of a round.
        assertEquals(512 * 4, twin.events);
        assertTrue(twin.closed);
        assertTrue(twin.bursts.stream().allMatch(n -> n == 1), "lone events, one per burst: " + twin.bursts);
    }

    /**
     * The warm-up's throwaway pipelines, their queues and the sinks' twins (an output's twin holds
     * its 64 KiB line buffer) are garbage once it has run: the settings, which the listener keeps
     * for its whole life, do not hold the last pipeline's sink.
     */
    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void theSettingsKeepNoneOfTheWarmUpsPipelines() throws Exception {
        ListenerSettings settings = new ListenerSettings();
        java.lang.ref.ReferenceQueue<Sink> gone = new java.lang.ref.ReferenceQueue<>();
        List<java.lang.ref.WeakReference<Sink>> twins = new ArrayList<>();
        settings.sinks.add(new Recording(null) {
            @Override
            public Sink warmUpTwin() {
                Recording twin = new Recording(null);
                twins.add(new java.lang.ref.WeakReference<>(twin, gone));
                return twin;
            }
        });
        DecoderWarmup.run(settings, 2_000, 60_000);
        assertEquals(1, twins.size());
        // The twin is reachable only through what the warm-up left behind, if anything.
        java.lang.ref.Reference<? extends Sink> cleared = null;
        for (int i = 0; i < 50 && cleared == null; i++) {
            System.gc();
            cleared = gone.remove(100);
        }
        assertTrue(cleared != null, "the warm-up's twin sink is still reachable from the listener's settings");
    }

    /** The lone events' pipeline passes every event; the listener's own keeps its filter. */
    @Test
    void theListenersFilterIsKept() throws Exception {
        ListenerSettings settings = new ListenerSettings();
        DecoderWarmup.run(settings, 2_000, 60_000);
        Recording got = new Recording(null);
        var pipeline = settings.pipeline(got, false);
        pipeline.acceptLogLine(("type=USER_LOGIN msg=audit(1795838689.008:7): pid=1 uid=0 auid=0 ses=1"
                + " msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" res=success'").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        pipeline.acceptLogLine("type=DM_EVENT msg=audit(1795838689.008:8): module=integrity op=integrity-checksum dev=254:0 sector=1 res=0"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        pipeline.flush();
        assertEquals(1, got.events, "DM events only, as before the warm-up");
    }
}
