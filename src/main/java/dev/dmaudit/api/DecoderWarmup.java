package dev.dmaudit.api;

import dev.dmaudit.event.EventFilter;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.Sink;
import dev.dmaudit.record.NetlinkMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the listener's pipeline, built with the listener's settings, over synthetic datagrams when it
 * starts, before the reader thread, so the JIT has compiled the read path (framing, parsing, grouping, typing,
 * filtering, the queue hand-off) when the first burst arrives; and, in the last quarter of its
 * budget, a lone event's delivery (the reader's direct delivery) through the sinks' twins that
 * write nowhere ({@link Sink#warmUpTwin}); the user's callback is never called. Measured (tools/bench-overload
 * syscalls): without it a cold listener took ~270k records/s in its first second of a ~410k/s
 * SYSCALL storm, then kept up; the difference overran the receive buffer (ENOBUFS, ~200k records
 * lost) although the warm reader is faster than the kernel. Nothing here touches the kernel, sysfs
 * or the real listener's state.
 */
final class DecoderWarmup {
    /** Budget: enough rounds for C2 to compile the read path (the time limit is what ends it: ~0.4 s). */
    static final long RECORDS = 400_000;
    static final long MILLIS = 400;

    /** Records of one round: a DM_CTRL event with its companions, a bio-level DM_EVENT, a SYSCALL event, a user message. */
    private static final String[][] ROUND = {
        {"1300", "arch=c000003e syscall=16 success=yes exit=0 a0=3 a1=c138fd09 a2=55d0c8e6e0a0 a3=0 items=0"
                + " ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
                + " tty=(none) ses=4294967295 comm=\"integritysetup\" exe=\"/usr/sbin/integritysetup\" subj=unconfined key=(null)"},
        {"1307", "cwd=\"/root\""},
        {"1327", "proctitle=696E74656772697479736574757000666F726D6174002F6465762F6C6F6F7030"},
        {"1338", "module=integrity op=ctr ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0"
                + " egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"integritysetup\""
                + " exe=\"/usr/sbin/integritysetup\" subj=unconfined dev=254:0 error_msg='success' res=1"},
        {"1320", ""},
        {"1339", "module=integrity op=integrity-checksum dev=254:0 sector=20000 res=0"},
        {"1300", "arch=c000003e syscall=110 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=2"
                + " auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1"
                + " comm=\"storm\" exe=\"/usr/bin/storm\" subj=unconfined key=\"bench\""},
        {"1327", "proctitle=73746F726D"},
        {"1320", ""},
        {"1130", "pid=1 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='unit=dmaudit comm=\"systemd\""
                + " exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'"},
    };
    /** Records after which the serial moves on: the end of each event of {@link #ROUND}. */
    private static final boolean[] LAST_OF_EVENT = {false, false, false, false, true, true, false, false, true, true};

    private DecoderWarmup() {
    }

    static long run(ListenerSettings settings) {
        return run(settings, RECORDS, MILLIS);
    }

    /**
     * @param settings   the real listener's settings (read, never changed)
     * @param maxRecords stop after this many records
     * @param maxMillis  or after this long
     * @return the records the throwaway pipelines decoded
     */
    static long run(ListenerSettings settings, long maxRecords, long maxMillis) {
        long startNanos = System.nanoTime();
        Source source = new Source();
        byte[] buf = new byte[settings.datagramBufferBytes];
        int n;
        // Three quarters of the budget: a storm's bursts through the listener's own filter into a
        // queue nobody delivers (drops here are no news for the user). Decoding is what must be
        // fast then; formatting there too halved the records decoded in the budget.
        EventQueue stormQueue = new EventQueue(1024);
        EventPipeline storm = settings.pipeline(stormQueue, false);
        source.budget(maxRecords / 4 * 3 / ROUND.length * ROUND.length, startNanos + maxMillis * 750_000L);
        while ((n = source.next(buf)) > 0) {
            long now = System.currentTimeMillis();
            storm.acceptDatagram(buf, 0, n, now);
            storm.tick(now);
            if ((source.sent & 255) == 0) {
                storm.endOfBurst();
                stormQueue.drainQuietly(); // the consumer's side of the hand-off is part of the path too
            }
        }
        storm.flush();
        // The last quarter: lone events, one datagram a burst, which "the reader" delivers itself
        // (EventQueue.handOff, as live) to the sinks' twins. This pipeline passes every event, so
        // the twins see some even when the user's filter keeps none of the made-up ones
        // (listen --type, --module crypt).
        EventQueue loneQueue = new EventQueue(1024);
        Sinks twins = twins(settings.sinks);
        Delivery delivery = new Delivery(loneQueue, twins, e -> { }); // never the user's callback: the events are made up
        loneQueue.deliverDirectly(delivery);
        EventPipeline lone = settings.pipeline(loneQueue, false, EventFilter.allEvents());
        source.budget(maxRecords, startNanos + maxMillis * 1_000_000L);
        while ((n = source.next(buf)) > 0) {
            long now = System.currentTimeMillis();
            lone.acceptDatagram(buf, 0, n, now);
            lone.tick(now);
            lone.endOfBurst();
            loneQueue.handOff();
            delivery.deliverQueued(); // what handOff left to the consumer (nothing while bursts are this small)
        }
        lone.flush();
        lone.endOfBurst();
        loneQueue.handOff();
        delivery.deliverQueued();
        twins.close();
        return storm.records() + lone.records();
    }

    /** The sinks' twins that write nowhere ({@link Sink#warmUpTwin}); a sink that offers none is skipped. */
    private static Sinks twins(List<Sink> sinks) {
        List<Sink> twins = new ArrayList<>(sinks.size());
        for (Sink s : sinks) {
            Sink twin;
            try {
                twin = s.warmUpTwin();
            } catch (RuntimeException e) {
                twin = null; // a warm-up is an optimisation: a sink that cannot make a twin is just not warmed
            }
            if (twin != null) {
                twins.add(twin);
            }
        }
        return Sinks.of(twins);
    }

    /** Datagrams of {@link #ROUND} again and again with fresh serials, until a budget runs out. */
    private static final class Source {
        private static final String PREFIX = "audit(1795838689.008:";
        private static final int SERIAL_DIGITS = 10;
        /** Where every datagram's serial digits start: after the header and the common prefix. */
        private static final int SERIAL_AT = NetlinkMessage.HEADER_SIZE + PREFIX.length();
        private final byte[][] datagrams = new byte[ROUND.length][];
        private long maxRecords;
        private long deadlineNanos;
        /** Records sent before the current budget began. */
        private long budgetFrom;
        long sent;
        private long serial = 1;
        private int next;

        Source() {
            for (int i = 0; i < ROUND.length; i++) {
                byte[] payload = (PREFIX + "0".repeat(SERIAL_DIGITS) + "): " + ROUND[i][1]).getBytes(StandardCharsets.US_ASCII);
                byte[] d = new byte[NetlinkMessage.HEADER_SIZE + payload.length];
                // Little-endian, as NetlinkFrames reads nlmsghdr; nlmsg_len as multicast copies carry it.
                ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(0, d.length).putShort(4, Short.parseShort(ROUND[i][0]));
                System.arraycopy(payload, 0, d, NetlinkMessage.HEADER_SIZE, payload.length);
                datagrams[i] = d;
            }
        }

        /**
         * @param maxRecords    stop once this many records were sent in all
         * @param deadlineNanos or at the first whole round after this time
         */
        void budget(long maxRecords, long deadlineNanos) {
            this.maxRecords = maxRecords;
            this.deadlineNanos = deadlineNanos;
            this.budgetFrom = sent;
        }

        /** @return the next datagram's length in {@code buf}, or -1 when the budget is spent */
        int next(byte[] buf) {
            // The clock is read every 100 rounds, never before the first of a budget: a budget spent
            // while the pipeline was being built (class loading on a loaded machine) still warms up
            // once; and only between rounds, so no event is split between two budgets' pipelines.
            long inBudget = sent - budgetFrom;
            if (sent >= maxRecords
                    || inBudget > 0 && next == 0 && inBudget % (100 * ROUND.length) == 0 && System.nanoTime() > deadlineNanos) {
                return -1;
            }
            byte[] d = datagrams[next];
            System.arraycopy(d, 0, buf, 0, d.length);
            long s = serial;
            for (int i = SERIAL_AT + SERIAL_DIGITS - 1; i >= SERIAL_AT; i--) {
                buf[i] = (byte) ('0' + s % 10);
                s /= 10;
            }
            if (LAST_OF_EVENT[next]) {
                serial++;
            }
            next = (next + 1) % datagrams.length;
            sent++;
            return d.length;
        }
    }
}
