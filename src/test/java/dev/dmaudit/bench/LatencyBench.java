package dev.dmaudit.bench;

import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.record.AuditRecord;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The library-callback receiver of tools/bench-latency (not a test): a {@link DmAuditListener} with
 * the builder's defaults except {@link EventFilter#allEvents()} (the benchmark's user messages stand
 * in for DM records, which this machine's kernel cannot emit). Its callback writes each event as
 * one line ("serial | TYPE body | …") to stdout and flushes, so bench/latency.c measures kernel →
 * callback → stdout. Prints "latency-bench: listening" on stderr once {@code start} returned; runs
 * until killed (SIGTERM closes the listener through the shutdown hook).
 */
public final class LatencyBench {
    private LatencyBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        DmAuditListener listener = DmAuditListener.builder().filter(EventFilter.allEvents()).build();
        listener.start(ev -> {
            StringBuilder b = new StringBuilder(256).append(ev.audit().serial());
            for (AuditRecord r : ev.audit().records()) {
                b.append(" | ").append(r.typeName()).append(' ').append(r.body());
            }
            b.append('\n');
            try {
                // FileOutputStream is unbuffered: one write(2) per event, nothing left to flush.
                out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            listener.close();
            done.countDown();
        }));
        System.err.println("latency-bench: listening");
        done.await();
    }
}
