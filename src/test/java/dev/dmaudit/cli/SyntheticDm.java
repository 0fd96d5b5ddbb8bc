package dev.dmaudit.cli;

import dev.dmaudit.api.RecordSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A record source of DM_EVENT datagrams, built like the kernel's (netlink header + record text):
 * for history tests that need many events with known devices and sectors. After the last
 * datagram it waits until closed, as a quiet kernel would.
 */
final class SyntheticDm implements RecordSource {
    /** One DM_EVENT: its serial, device and sector. */
    record Dm(long serial, String dev, long sector) {
        /** @return the DM_EVENT datagram the kernel would send */
        byte[] datagram() {
            String text = "audit(1795838689." + String.format("%03d", serial % 1000) + ":" + serial + "): module=integrity"
                    + " op=integrity-checksum dev=" + dev + " sector=" + sector + " res=0";
            byte[] p = text.getBytes(StandardCharsets.US_ASCII);
            byte[] d = new byte[16 + p.length];
            int len = d.length;
            d[0] = (byte) len;
            d[1] = (byte) (len >> 8);
            d[4] = (byte) 1339;
            d[5] = (byte) (1339 >> 8);
            System.arraycopy(p, 0, d, 16, p.length);
            return d;
        }
    }

    private final Deque<byte[]> pending = new ArrayDeque<>();
    private volatile boolean closed;

    SyntheticDm(List<Dm> events) {
        for (Dm e : events) {
            pending.add(e.datagram());
        }
    }

    /** @param more datagrams to queue (the source hands them out next) */
    synchronized void add(List<Dm> more) {
        for (Dm e : more) {
            pending.add(e.datagram());
        }
        notifyAll();
    }

    @Override
    public synchronized int receive(byte[] buf, int timeoutMillis) {
        while (!closed) {
            byte[] d = pending.poll();
            if (d != null) {
                System.arraycopy(d, 0, buf, 0, d.length);
                return d.length;
            }
            if (timeoutMillis == 0) {
                return 0;
            }
            try {
                wait(timeoutMillis < 0 ? 0 : timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            if (timeoutMillis > 0) {
                return closed ? -1 : 0;
            }
        }
        return -1;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
