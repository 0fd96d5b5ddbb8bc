package dev.dmaudit.bench;

import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.api.Metrics;
import dev.dmaudit.api.RecordSource;
import dev.dmaudit.netlink.AuditSocket;
import dev.dmaudit.netlink.AuditSocketOptions;
import dev.dmaudit.record.NetlinkFrames;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Slow-consumer accounting for tools/bench-overload (not a test): a {@link DmAuditListener} (every
 * event, small queue) whose callback sleeps per event, on the kernel's multicast group while
 * bench/flood.c floods AUDIT_SERVICE_START (1130) records. The source is the library's own
 * transport ({@link AuditSocket}, 64 MiB buffer, multicast, no filter, as the listener opens it)
 * wrapped only to count the 1130 records crossing into user space, so the line printed at the end
 * can be checked against the flood: sent 1130 records == received 1130 records, and
 * events == delivered + dropped_queue exactly.
 *
 * <p>Usage: {@code SlowConsumerBench QUEUE SLEEP_MICROS IDLE_MILLIS} (SLEEP_MICROS -1: no consumer). Prints "slow: ready" on
 * stderr once listening; ends after IDLE_MILLIS without a new record (after the first one), or
 * 300 s.
 */
public final class SlowConsumerBench {
    private static final int BENCH_TYPE = 1130;

    private SlowConsumerBench() {
    }

    /** The library's transport, counting 1130 records as they pass. */
    private static final class CountingSource implements RecordSource {
        final AuditSocket socket;
        final AtomicLong benchRecords = new AtomicLong();
        volatile long lastRecordNanos;
        private final NetlinkFrames.Visitor count = m -> {
            if (m.type() == BENCH_TYPE) {
                benchRecords.incrementAndGet();
            }
        };

        CountingSource(AuditSocket socket) {
            this.socket = socket;
        }

        @Override
        public int receive(byte[] buf, int timeoutMillis) {
            int n = socket.receive(buf, timeoutMillis);
            if (n > 0) {
                NetlinkFrames.forEach(buf, 0, n, count);
                lastRecordNanos = System.nanoTime();
            }
            return n;
        }

        @Override
        public long enobufs() {
            return socket.enobufs();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int queue = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long sleepMicros = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        long idleMillis = args.length > 2 ? Long.parseLong(args[2]) : 3000;
        CountingSource src = new CountingSource(AuditSocket.multicast(
                AuditSocketOptions.defaults().withReceiveBuffer(64 << 20)));
        AtomicLong called = new AtomicLong();
        AtomicLong benchDelivered = new AtomicLong();
        DmAuditListener l = DmAuditListener.builder().source(src).filter(dev.dmaudit.event.EventFilter.allEvents()).queueCapacity(queue)
                .resolveDeviceNames(false).groupTimeout(Duration.ofMillis(300)).build();
        long t0 = System.nanoTime();
        if (sleepMicros < 0) {
            // Diagnostic: no consumer at all (pull mode, nothing taken; QUEUE must hold the flood):
            // the reader alone, never waking a consumer. The accounting line then reads MISMATCH.
            l.open();
        } else l.start(ev -> {
            called.incrementAndGet();
            if (ev.audit().records().get(0).type() == BENCH_TYPE) {
                benchDelivered.incrementAndGet();
            }
            LockSupport.parkNanos(sleepMicros * 1000);
        });
        System.err.println("slow: ready");
        long deadline = t0 + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            long last = src.lastRecordNanos;
            if (src.benchRecords.get() > 0 && System.nanoTime() - last > idleMillis * 1_000_000L) {
                break;
            }
        }
        Metrics before = l.metrics();
        l.close();
        Metrics m = l.metrics();
        long droppedBench = src.benchRecords.get() - benchDelivered.get();
        System.out.printf("slow: queue=%d sleep_us=%d received_1130=%d records=%d events=%d delivered=%d callback_calls=%d "
                        + "dropped_queue=%d delivered_1130=%d enobufs=%d kernel_lost_delta=%d malformed=%d non_kernel=%d "
                        + "consumer_errors=%d timed_out=%d evicted=%d%n",
                queue, sleepMicros, src.benchRecords.get(), m.records(), m.events(), m.delivered(), called.get(),
                m.droppedByQueue(), benchDelivered.get(), m.enobufs(), m.kernelLostDelta(), m.malformed(),
                m.nonKernelSenders(), m.consumerErrors(), m.timedOutEvents(), m.evictedEvents());
        boolean exact = m.events() == m.delivered() + m.droppedByQueue() && called.get() == m.delivered();
        System.out.printf("slow: events == delivered + dropped_queue: %d == %d + %d -> %s; 1130 not delivered=%d; "
                        + "pending at close (queued, delivered during close)=%d%n",
                m.events(), m.delivered(), m.droppedByQueue(), exact ? "EXACT" : "MISMATCH", droppedBench,
                m.delivered() - before.delivered());
        System.exit(exact ? 0 : 1);
    }
}
