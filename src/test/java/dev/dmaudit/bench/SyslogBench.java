package dev.dmaudit.bench;

import dev.dmaudit.api.AuditLogDecoder;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.Sink;
import dev.dmaudit.sink.QueuedSink;
import dev.dmaudit.sink.SyslogAddress;
import dev.dmaudit.sink.SyslogFormat;
import dev.dmaudit.sink.SyslogSink;
import dev.dmaudit.sink.SyslogTls;
import dev.dmaudit.testing.Rsyslog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages per second of {@code listen --syslog} into a local rsyslogd (tools/bench-syslog; not a
 * test). N DM events (decoded from generated audit.log lines, alternating corruption and
 * constructor events) go through the production path, a QueuedSink around the SyslogSink, as fast
 * as accept() takes them; a warm-up round of the same size first (JIT, connection). Measured per
 * round: until the sink's socket took the last message ({@code sent/s}), and until rsyslogd wrote
 * the last one to its file ({@code collected/s}, rsyslog's own parsing with mmpstrucdata included).
 *
 * <p>{@code discard} instead of a transport measures the sink alone: TCP into a thread of this
 * process that reads and discards (no rsyslogd; collected/s is then when the reader had every byte).
 *
 * <p>Usage: {@code SyslogBench N udp|tcp|tls|discard ROUNDS}
 */
public final class SyslogBench {
    private SyslogBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[2]);
        List<Event> events = events(n);
        if (args[1].equals("discard")) {
            discard(events, rounds);
            return;
        }
        SyslogAddress.Transport t = SyslogAddress.Transport.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
        Path dir = Files.createTempDirectory("syslog-bench");
        try (Rsyslog rsyslog = Rsyslog.start(dir)) {
            int port = switch (t) {
                case UDP -> rsyslog.udp;
                case TCP -> rsyslog.tcp;
                case TLS -> rsyslog.tls;
            };
            long base = rsyslog.lines();
            for (int round = 0; round <= rounds; round++) {
                SyslogSink syslog = new SyslogSink(new SyslogSink.Settings(new SyslogAddress(t, "127.0.0.1", port),
                        new SyslogFormat(3, "bench", SyslogFormat.DEFAULT_SD_ID, 1, t == SyslogAddress.Transport.UDP ? 2048 : 8192),
                        n, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60),
                        t == SyslogAddress.Transport.TLS ? SyslogTls.context(rsyslog.caFile(), null, null) : null,
                        t == SyslogAddress.Transport.TLS ? "localhost" : null));
                QueuedSink sink = new QueuedSink("syslog", syslog, n, Duration.ofSeconds(60));
                long start = System.nanoTime();
                for (Event e : events) {
                    sink.accept(e);
                }
                while (syslog.counters().delivered() < n && syslog.counters().dropped() == 0) {
                    Thread.sleep(1);
                }
                long sent = System.nanoTime();
                long deadline = sent + Duration.ofSeconds(120).toNanos();
                while (rsyslog.lines() - base < (long) n * (round + 1) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                long collected = System.nanoTime();
                sink.close();
                long got = rsyslog.lines() - base - (long) n * round;
                System.out.printf("%s round=%s n=%d sent/s=%.0f collected/s=%.0f collected=%d dropped=%d%n", t.name().toLowerCase(),
                        round == 0 ? "warmup" : Integer.toString(round), n, n / ((sent - start) / 1e9),
                        n / ((collected - start) / 1e9), got, sink.counters().dropped());
            }
        }
    }

    private static void discard(List<Event> events, int rounds) throws Exception {
        int n = events.size();
        for (int round = 0; round <= rounds; round++) {
            try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
                Thread reader = new Thread(() -> {
                    try (java.net.Socket s = server.accept(); var in = s.getInputStream()) {
                        byte[] buf = new byte[1 << 16];
                        for (int r; (r = in.read(buf)) > 0; ) {
                            bytes.addAndGet(r);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                reader.start();
                SyslogSink syslog = new SyslogSink(new SyslogSink.Settings(
                        new SyslogAddress(SyslogAddress.Transport.TCP, "127.0.0.1", server.getLocalPort()),
                        new SyslogFormat(3, "bench", SyslogFormat.DEFAULT_SD_ID, 1, 8192), n, Duration.ofMillis(100),
                        Duration.ofSeconds(1), Duration.ofSeconds(60), null, null));
                QueuedSink sink = new QueuedSink("syslog", syslog, n, Duration.ofSeconds(60));
                long start = System.nanoTime();
                for (Event e : events) {
                    sink.accept(e);
                }
                while (syslog.counters().delivered() < n && syslog.counters().dropped() == 0) {
                    Thread.sleep(1);
                }
                long sent = System.nanoTime();
                sink.close();
                reader.join();
                System.out.printf("discard round=%s n=%d sent/s=%.0f bytes=%d dropped=%d%n", round == 0 ? "warmup" : Integer.toString(round),
                        n, n / ((sent - start) / 1e9), bytes.get(), sink.counters().dropped());
            }
        }
    }

    private static List<Event> events(int n) throws Exception {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            if (i % 2 == 0) {
                log.append("type=DM_EVENT msg=audit(1795838689.008:").append(i)
                        .append("): module=integrity op=integrity-checksum dev=254:0 sector=").append(i).append(" res=0\n");
            } else {
                log.append("type=DM_CTRL msg=audit(1795838694.300:").append(i).append("): module=integrity op=ctr ppid=125 pid=293")
                        .append(" auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295")
                        .append(" comm=\"integritysetup\" exe=\"/usr/sbin/integritysetup\" subj=unconfined dev=254:0 error_msg='success' res=1\n")
                        .append("type=EOE msg=audit(1795838694.300:").append(i).append("): \n");
            }
        }
        List<Event> out = new ArrayList<>(n);
        Sink collect = out::add;
        new AuditLogDecoder(EventPipeline.builder(), List.of(collect), 1 << 16)
                .decode(new ByteArrayInputStream(log.toString().getBytes(StandardCharsets.UTF_8)), (line, why) -> {
                    throw new IllegalStateException(why);
                });
        if (out.size() != n) {
            throw new IllegalStateException("decoded " + out.size() + " events of " + n);
        }
        return out;
    }
}
