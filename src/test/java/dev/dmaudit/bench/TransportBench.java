package dev.dmaudit.bench;

import dev.dmaudit.netlink.AuditSocket;
import dev.dmaudit.netlink.AuditSocketOptions;
import dev.dmaudit.netlink.AuditTransport;
import dev.dmaudit.record.NetlinkFrames;

/**
 * Java side of tools/bench-transport (not a test): receives AUDIT_SERVICE_START (1130, as bench/flood.c sends) records through
 * {@link AuditSocket} (64 MiB buffer, BPF filter for 1130) and hands every datagram to
 * {@link NetlinkFrames}, printing one line per burst (a burst ends after 1 s without records).
 *
 * <p>Usage: {@code TransportBench BURSTS [multicast|daemon] [DELAY_MS]}; DELAY_MS waits that long
 * before reading, to measure how fast a full receive buffer is drained
 */
public final class TransportBench {
    private static final int BENCH_TYPE = 1130;
    private static long records;

    private TransportBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        int bursts = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        boolean daemon = args.length > 1 && args[1].equalsIgnoreCase("daemon");
        AuditSocketOptions o = AuditSocketOptions.defaults().withReceiveBuffer(64 << 20).withAcceptTypes(BENCH_TYPE);
        try (AuditSocket s = daemon ? AuditSocket.daemon(o) : AuditSocket.multicast(o)) {
            byte[] buf = new byte[s.maxDatagram()];
            NetlinkFrames.Visitor count = m -> {
                if (m.type() == BENCH_TYPE) {
                    records++;
                }
            };
            System.err.println("java: ready");
            if (args.length > 2) {
                Thread.sleep(Long.parseLong(args[2]));
            }
            long prevEnobufs = 0;
            for (int b = 0; b < bursts; b++) {
                records = 0;
                long first = 0;
                long last = 0;
                long start = System.nanoTime();
                while (true) {
                    int n = s.receive(buf, 1000);
                    if (n == AuditTransport.CLOSED) {
                        return;
                    }
                    if (n == AuditTransport.TIMEOUT) {
                        if (records > 0 || System.nanoTime() - start > 60_000_000_000L) {
                            break;
                        }
                        continue;
                    }
                    long before = records;
                    NetlinkFrames.forEach(buf, 0, n, count);
                    if (records != before) {
                        last = System.nanoTime();
                        if (before == 0) {
                            first = last;
                        }
                    }
                }
                double secs = (last - first) / 1e9;
                System.out.printf("Java  burst %d: received %d enobufs %d in %.3f s = %.0f records/s%n", b, records,
                        s.enobufs() - prevEnobufs, secs, records > 1 ? (records - 1) / secs : 0.0);
                System.out.flush();
                prevEnobufs = s.enobufs();
            }
        }
    }
}
