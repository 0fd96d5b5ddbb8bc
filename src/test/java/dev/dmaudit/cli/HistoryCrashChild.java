package dev.dmaudit.cli;

import dev.dmaudit.api.RecordSource;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The process {@code HistoryCrashTest} kills: {@code dmaudit listen --history DB --output OUT}
 * fed by an endless source of DM_EVENT bursts (1..400 events, then a pause of 0..3 ms), serials
 * counting up from FIRST. Usage: {@code HistoryCrashChild DB OUT FIRST}.
 */
public final class HistoryCrashChild {
    private HistoryCrashChild() {
    }

    /** Bursts with pauses; never ends by itself. */
    static final class Bursts implements RecordSource {
        private long serial;
        private int left;
        private volatile boolean closed;

        Bursts(long first) {
            this.serial = first;
        }

        @Override
        public int receive(byte[] buf, int timeoutMillis) {
            if (closed) {
                return -1;
            }
            ThreadLocalRandom r = ThreadLocalRandom.current();
            if (left == 0) {
                if (timeoutMillis == 0) {
                    left = 1 + r.nextInt(400);
                    return 0; // the end of a burst: the listener delivers what it has
                }
                try {
                    Thread.sleep(r.nextInt(4));
                } catch (InterruptedException e) {
                    return -1;
                }
                left = 1 + r.nextInt(400);
            }
            left--;
            long s = serial++;
            byte[] d = new SyntheticDm.Dm(s, "254:" + (s % 4), 4096 + s % 1000).datagram();
            System.arraycopy(d, 0, buf, 0, d.length);
            return d.length;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    public static void main(String[] args) {
        long first = Long.parseLong(args[2]);
        ListenCommand.factory = b -> b.source(new Bursts(first)).resolveDeviceNames(false).build();
        System.exit(Main.run("listen", "--format", "json", "--output", args[1], "--history", args[0], "--no-warm-up",
                "--priority-boost", "0"));
    }
}
