package dev.dmaudit.bench;

import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.api.Metrics;
import dev.dmaudit.api.RecordSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory bound under a storm of never-completing events, for tools/bench-overload (not a test):
 * a synthetic {@link RecordSource} feeds a {@link DmAuditListener} (every event, default queue)
 * N datagrams of one kind, each with a fresh serial and never an EOE — SYSCALL records (as a
 * syscall-audit storm would bring) or DM_CTRL records (a ctr whose SYSCALL/EOE never come) — as
 * fast as the reader takes them. Every STEP records the source forces a GC (on the reader thread,
 * so the listener is paused mid-storm with its open events and queue as they are) and prints the
 * used heap; the end line gives the listener's counters.
 *
 * <p>Usage: {@code MemoryBoundBench N STEP MAX_OPEN [syscall|dm_ctrl]}
 */
public final class MemoryBoundBench {
    private MemoryBoundBench() {
    }

    static byte[] datagram(int type, String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        byte[] d = new byte[16 + p.length];
        int len = d.length;
        d[0] = (byte) len;
        d[1] = (byte) (len >> 8);
        d[4] = (byte) type;
        d[5] = (byte) (type >> 8);
        System.arraycopy(p, 0, d, 16, p.length);
        return d;
    }

    static String body(String kind, long serial) {
        String head = "audit(1795838694." + String.format("%03d", serial % 1000) + ":" + serial + "): ";
        if (kind.equals("dm_ctrl")) {
            return head + "module=integrity op=ctr ppid=125 pid=293 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
                    + "egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"dmsetup\" exe=\"/usr/sbin/dmsetup\" "
                    + "subj=unconfined dev=254:" + (serial % 256) + " error_msg='success' res=1";
        }
        return head + "arch=c000003e syscall=16 success=yes exit=0 a0=3 a1=c138fd09 a2=7ffd8d3c2a30 a3=0 items=0 ppid=125 "
                + "pid=293 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) "
                + "ses=4294967295 comm=\"dmsetup\" exe=\"/usr/sbin/dmsetup\" subj=unconfined key=(null)";
    }

    /** Used heap after a full GC (the module does not read java.management: Runtime's figures). */
    static long usedAfterGc() {
        System.gc();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
        long step = args.length > 1 ? Long.parseLong(args[1]) : 500_000;
        int maxOpen = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        String kind = args.length > 3 ? args[3] : "syscall";
        int type = kind.equals("dm_ctrl") ? 1338 : 1300;
        long baseline = usedAfterGc();
        System.out.printf("memory: kind=%s records=%d max_open=%d heap_max=%d MiB baseline_after_gc=%.1f MiB%n", kind, n,
                maxOpen, Runtime.getRuntime().maxMemory() >> 20, baseline / 1048576.0);
        AtomicLong sent = new AtomicLong();
        long[] peak = {0};
        DmAuditListener[] self = new DmAuditListener[1];
        Object done = new Object();
        RecordSource storm = new RecordSource() {
            private volatile boolean closed;

            @Override
            public int receive(byte[] buf, int timeoutMillis) {
                if (closed) {
                    return -1;
                }
                long i = sent.get();
                if (i >= n) {
                    synchronized (done) {
                        done.notifyAll();
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(timeoutMillis, 10) * 1_000_000L);
                    return closed ? -1 : 0;
                }
                if (i > 0 && i % step == 0) {
                    long used = usedAfterGc();
                    peak[0] = Math.max(peak[0], used);
                    Metrics m = self[0].metrics();
                    System.out.printf("memory: after %,d records: used heap after GC %.1f MiB (+%.1f MiB over baseline); "
                                    + "events=%d evicted=%d timed_out=%d delivered=%d dropped_queue=%d%n",
                            i, used / 1048576.0, (used - baseline) / 1048576.0, m.events(), m.evictedEvents(),
                            m.timedOutEvents(), m.delivered(), m.droppedByQueue());
                }
                byte[] d = datagram(type, body(kind, 1_000_000_000L + i));
                System.arraycopy(d, 0, buf, 0, d.length);
                sent.incrementAndGet();
                return d.length;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
        AtomicLong got = new AtomicLong();
        // The default group timeout (300 ms) stays: the storm outruns it, so eviction is what bounds it.
        DmAuditListener l = DmAuditListener.builder().source(storm).filter(dev.dmaudit.event.EventFilter.allEvents()).maxOpenEvents(maxOpen)
                .resolveDeviceNames(false).groupTimeout(Duration.ofMillis(300)).build();
        self[0] = l;
        long t0 = System.nanoTime();
        l.start(ev -> got.incrementAndGet());
        synchronized (done) {
            while (sent.get() < n) {
                done.wait(1000);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        l.close();
        Metrics m = l.metrics();
        System.out.printf("memory: done %,d records in %.1f s (%.0f/s); peak used heap after GC %.1f MiB (+%.1f MiB); "
                        + "records=%d events=%d evicted=%d timed_out=%d delivered=%d dropped_queue=%d callback=%d; "
                        + "events == records: %s; evicted + timed_out + flushed(<= max_open) == events: %s%n",
                n, secs, n / secs, peak[0] / 1048576.0, (peak[0] - baseline) / 1048576.0, m.records(), m.events(),
                m.evictedEvents(), m.timedOutEvents(), m.delivered(), m.droppedByQueue(), got.get(),
                m.events() == m.records(), m.events() - m.evictedEvents() - m.timedOutEvents() <= maxOpen);
    }
}
