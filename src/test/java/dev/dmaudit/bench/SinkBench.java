package dev.dmaudit.bench;

import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.metrics.PrometheusSink;
import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.JournalSocket;
import dev.dmaudit.sink.JournaldSink;
import dev.dmaudit.sink.OutputFormat;
import dev.dmaudit.sink.WriterSink;
import dev.dmaudit.api.Metrics;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Events per second one sink sustains on the calling thread, for tools/bench-sinks (not a test):
 * the DM events of the real 6.1 kernel capture, over and over (each with its own serial), handed
 * to the sink with an end of burst every 256 events, as the delivery thread would; the time runs
 * until {@code close} returns (everything written or sent). The calling thread's CPU time is given
 * beside the wall time: on a shared machine it says what the output costs, the wall time what it
 * got (for journald, mostly waiting on journald itself).
 *
 * <p>Usage: {@code SinkBench journald N SOCKET | metrics N | file N PATH}. Prints one line:
 * {@code sinkbench: SINK N events in S s: R events/s}.
 */
public final class SinkBench {
    private SinkBench() {
    }

    /**
     * @param args SINK N [SOCKET|PATH]
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        String which = args[0];
        int n = Integer.parseInt(args[1]);
        if (which.equals("journald-fields")) {
            fields(n, Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        List<Event> dm = CollectingSink.captureEvents().stream().filter(e -> e.dm() != null).toList();
        Event[] events = new Event[n];
        for (int i = 0; i < n; i++) {
            Event e = dm.get(i % dm.size());
            events[i] = e; // the same objects again: the sink's cost, not the decoder's
        }
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            int count = round == 0 ? Math.min(n, 50_000) : n;
            Sink sink = switch (which) {
                case "journald" -> new JournaldSink(new JournalSocket(DirectLibC.get(), Path.of(args[2])));
                case "metrics" -> new PrometheusSink(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256, "multicast",
                        new PrometheusSink.Source() {
                            @Override
                            public Metrics metrics() {
                                return null;
                            }

                            @Override
                            public Boolean auditEnabled() {
                                return null;
                            }
                        });
                case "file" -> WriterSink.of(OutputFormat.JSON, new BufferedOutputStream(new FileOutputStream(args[2]), 1 << 16));
                default -> throw new IllegalArgumentException("journald, metrics or file");
            };
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                sink.accept(events[i]);
                if ((i & 255) == 255) {
                    sink.endOfBurst();
                }
            }
            sink.close();
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (cpuNanos() - c0) / 1e9;
            if (round == 1) {
                System.out.printf("sinkbench: %s %d events in %.3f s: %.0f events/s; this thread's CPU %.3f s: %.0f events per CPU-second"
                        + " (counters %s)%n", which, count, s, count / s, cpu, count / cpu, sink.counters());
            }
        }
    }

    /**
     * journald's ingest rate against the shape of an entry (BENCHMARKS.md "Outputs"): {@code n}
     * entries of {@code fields} fields (MESSAGE, SYSLOG_IDENTIFIER and DMAUDIT_Fk), values of
     * {@code valueBytes} bytes each, distinct per entry (a serial in each) as real events' are.
     */
    private static void fields(int n, Path socket, int fields, int valueBytes) throws Exception {
        String pad = "v".repeat(Math.max(0, valueBytes - 12));
        for (int round = 0; round < 2; round++) {
            int count = round == 0 ? Math.min(n, 20_000) : n;
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try (JournalSocket s = new JournalSocket(DirectLibC.get(), socket)) {
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                long bytes = 0;
                for (int i = 0; i < count; i++) {
                    b.reset();
                    for (int f = 0; f < fields; f++) {
                        String name = f == 0 ? "MESSAGE" : f == 1 ? "SYSLOG_IDENTIFIER" : "DMAUDIT_F" + f;
                        String value = f == 1 ? "dmaudit" : String.format("%012d", (long) i * 64 + f) + pad;
                        b.writeBytes((name + "=" + value + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    bytes += b.size();
                    s.send(b.toByteArray(), b.size());
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                double cpu = (cpuNanos() - c0) / 1e9;
                if (round == 1) {
                    System.out.printf("sinkbench: journald-fields %d fields, %d bytes per entry: %d entries in %.3f s: %.0f entries/s;"
                            + " this thread's CPU %.3f s%n", fields, bytes / count, count, sec, count / sec, cpu);
                }
            }
        }
    }

    /** This thread's CPU time: the first field of /proc/thread-self/schedstat (java.management is not read by the module). */
    private static long cpuNanos() throws java.io.IOException {
        String t = java.nio.file.Files.readString(Path.of("/proc/thread-self/schedstat")).trim();
        return Long.parseLong(t.substring(0, t.indexOf(' ')));
    }
}
