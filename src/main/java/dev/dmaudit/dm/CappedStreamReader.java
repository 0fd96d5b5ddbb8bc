package dev.dmaudit.dm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains one process stream on its own thread, keeping at most {@code cap} bytes. It keeps reading
 * past the cap (and drops the rest) so the child never blocks on a full pipe.
 */
public final class CappedStreamReader implements Runnable {
    private final InputStream in;
    private final int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;
    private final Thread thread;

    private CappedStreamReader(InputStream in, int cap, String name) {
        this.in = in;
        this.cap = cap;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    /** Starts draining {@code in} on a daemon thread. */
    public static CappedStreamReader start(InputStream in, int cap, String name) {
        CappedStreamReader r = new CappedStreamReader(in, cap, name);
        r.thread.start();
        return r;
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                keep(buf, n);
            }
        } catch (IOException e) {
            // The stream closes under us when the process is killed: what was read is kept.
        }
    }

    private synchronized void keep(byte[] buf, int n) {
        int room = cap - kept.size();
        if (n > room) {
            truncated = true;
        }
        kept.write(buf, 0, Math.max(0, Math.min(room, n)));
    }

    /**
     * Waits a bounded time for the end of the stream: a grandchild that escaped the kill may hold
     * the pipe open forever, and what was read so far is still useful.
     */
    public void await(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** @return the bytes kept so far, decoded as UTF-8 (bad sequences replaced) */
    public synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    /** @return whether more than {@code cap} bytes arrived */
    public synchronized boolean truncated() {
        return truncated;
    }
}
