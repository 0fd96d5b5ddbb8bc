package dev.dmaudit.sink;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives a slow sink (a journal, a collector, a database) a bounded queue and a thread of its own,
 * so that it holds neither the other sinks nor the listener's queue. {@link #accept} never blocks:
 * an event that finds the queue full is dropped and counted ({@link #counters}), and the first
 * drop and every power of two after it are logged, one line each.
 *
 * <p>The worker thread starts with the first event and then waits in a blocking take (no
 * periodic wake-up when nothing happens). It calls the wrapped sink's {@code accept} for each
 * event and its {@code endOfBurst} whenever the queue runs empty, so the wrapped sink sees the
 * usual contract on one thread. A failure of the wrapped sink ends it: the queued events are
 * counted as failed and the next {@link #accept} throws that failure to the listener, which stops
 * calling this sink and keeps the failure for the caller.
 *
 * <p>{@link #close} lets the worker drain the queue for at most the grace period, then closes the
 * wrapped sink on the worker thread. What is still queued after the grace period is counted as
 * dropped and one line says so.
 *
 * <p><b>Disk overflow</b> (the constructor with a {@link DiskSpool}): an event that finds the
 * memory queue full is encoded by the wrapped sink ({@link SpoolableSink#encode}) and appended to
 * the spool on disk instead; once anything is on disk, later events go to disk too, so the order
 * is kept: the worker sends the memory queue, then the spool's segments oldest first, then memory
 * again. A burst the destination cannot take is delivered late instead of dropped; drops (counted
 * as above) happen only when the disk cap is reached too. The spool is flushed to its file at
 * each end of burst (a kill -9 loses nothing flushed). At {@link #close}, what the grace period
 * did not deliver (the event whose send has not returned, the segment in hand, the memory queue)
 * is written in front of the spool for the next run (that one event may so arrive twice, never
 * not at all); a spool left by an earlier run (stopped or killed) is sent first, before any new
 * event. A failing disk is logged once and leaves the memory queue alone, as without a spool.
 */
public final class QueuedSink implements Sink {
    private static final System.Logger LOG = System.getLogger(QueuedSink.class.getName());
    /** Put by close() after the last event; never an event. */
    private static final Object END = new Object();

    private final String name;
    private final Sink inner;
    private final int capacity;
    private final Duration closeGrace;
    /** One slot more than the capacity: the end marker always fits. */
    private final BlockingQueue<Object> queue;
    private final AtomicLong handed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile IOException failure;
    private Thread worker;
    private boolean closed;

    /** The overflow's encoder and sender (the wrapped sink), or null without a disk spool. */
    private final SpoolableSink spoolable;
    /** Guarded by {@link #lock}, as are {@link #inHand}, {@link #diskBroken} and {@link #stopped}. */
    private final DiskSpool<byte[]> disk;
    private final Object lock = new Object();
    /** The spool segment the worker is sending, oldest first (what close() keeps if it must). */
    private final ArrayDeque<byte[]> inHand = new ArrayDeque<>();
    private boolean diskBroken;
    /** Set by close() after the grace period: the worker sends nothing more. */
    private boolean stopped;
    private boolean spilledOnce;
    /**
     * With a disk spool: the event (or spooled bytes) the worker is sending now. close() keeps it for
     * the next run too when the grace period ends during its send (journald stopped): delivered at
     * least once rather than lost with the process.
     */
    private Object current;

    /**
     * @param name       short name for logs and counters ({@code journald}, {@code syslog}, …)
     * @param inner      the slow sink, called on this sink's own thread only
     * @param capacity   events queued before counted drops (at least 1)
     * @param closeGrace how long {@link #close} lets the queue drain
     */
    public QueuedSink(String name, Sink inner, int capacity, Duration closeGrace) {
        this(name, inner, null, capacity, closeGrace, null);
    }

    /**
     * With a disk overflow behind the memory queue. A spool an earlier run left is sent at once,
     * before any new event. Spilling (encoding, writing the spool) happens in {@code accept}: use
     * {@link #withDiskOverflow} unless the caller's thread may pay for it (the tests).
     *
     * @param name       short name for logs and counters
     * @param inner      the slow sink, called on this sink's own thread only (except {@code encode})
     * @param capacity   events queued in memory before the disk takes them
     * @param closeGrace how long {@link #close} lets the queue and the spool drain
     * @param disk       the spool (its records: {@link SpoolableSink#encode}'s bytes); this sink owns and closes it
     */
    QueuedSink(String name, SpoolableSink inner, int capacity, Duration closeGrace, DiskSpool<byte[]> disk) {
        this(name, inner, inner, capacity, closeGrace, Objects.requireNonNull(disk));
    }

    /**
     * A slow output with a disk overflow whose spilling never runs on the caller's thread: a plain
     * queue in front of the spooling one, so the delivery thread, which every output shares, only
     * hands each event over. The outer grace outlasts the inner one, so what the inner close keeps
     * for the next run is on disk before close returns. Counters: the outer queue's drops plus the
     * inner's.
     *
     * @param name       short name for logs and counters
     * @param inner      the slow sink
     * @param capacity   events queued in memory (in each of the two queues)
     * @param closeGrace how long the inner close lets the queue and the spool drain
     * @param disk       the spool (its records: {@link SpoolableSink#encode}'s bytes); owned and closed here
     * @return the sink to give the delivery thread
     */
    public static QueuedSink withDiskOverflow(String name, SpoolableSink inner, int capacity, Duration closeGrace,
            DiskSpool<byte[]> disk) {
        QueuedSink spooling = new QueuedSink(name, inner, capacity, closeGrace, disk);
        return new QueuedSink(name, spooling, capacity, closeGrace.plusSeconds(5));
    }

    private QueuedSink(String name, Sink inner, SpoolableSink spoolable, int capacity, Duration closeGrace, DiskSpool<byte[]> disk) {
        if (capacity < 1 || closeGrace.isNegative()) {
            throw new IllegalArgumentException("capacity must be at least 1 and the grace period not negative");
        }
        this.name = Objects.requireNonNull(name);
        this.inner = Objects.requireNonNull(inner);
        this.capacity = capacity;
        this.closeGrace = closeGrace;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.spoolable = spoolable;
        this.disk = disk;
        if (disk != null && !disk.isEmpty()) {
            startWorker(); // an earlier run's events go out now, not with the next event
        }
    }

    private void startWorker() {
        worker = new Thread(this::drain, "dmaudit-sink-" + name);
        worker.setDaemon(true); // a destination that hangs never keeps the JVM alive
        worker.start();
    }

    /** Never blocks. Only the delivering thread adds, so the size check cannot race another adder. */
    @Override
    public void accept(Event event) throws IOException {
        IOException f = failure;
        if (f != null) {
            failed.incrementAndGet();
            throw f;
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (worker == null) {
            startWorker();
        }
        if (disk != null) {
            synchronized (lock) {
                if (diskBroken || disk.isEmpty()) {
                    if (queue.size() < capacity && queue.offer(event)) {
                        return;
                    }
                }
                if (!diskBroken && spill(event)) {
                    return;
                }
            }
        } else if (queue.size() < capacity && queue.offer(event)) {
            return;
        }
        long n = dropped.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            String where = disk == null || diskBroken ? capacity + " events already queued for a slow output"
                    : capacity + " events queued and the disk spool " + disk.dir() + " full (" + disk.maxBytes() + " bytes)";
            LOG.log(System.Logger.Level.WARNING, name + ": " + where + "; " + n + " dropped so far (counted in --stats as sink."
                    + name + ".dropped)");
        }
    }

    /** Appends to the disk spool (holding the lock). @return false when it is full or failed */
    private boolean spill(Event event) {
        try {
            if (!disk.append(spoolable.encode(event))) {
                return false;
            }
            if (!spilledOnce) {
                spilledOnce = true;
                LOG.log(System.Logger.Level.INFO, name + ": " + capacity + " events queued for a slow output; later ones wait in "
                        + disk.dir() + " (at most " + disk.maxBytes() + " bytes) and are sent in order");
            }
            return true;
        } catch (IOException | RuntimeException e) {
            diskBroken = true;
            LOG.log(System.Logger.Level.WARNING, name + ": the disk spool failed, memory only from now on: " + e.getMessage());
            return false;
        }
    }

    private void drain() {
        try {
            while (true) {
                Object next = queue.poll();
                if (next == null) {
                    if (sendOldestSegment()) {
                        continue;
                    }
                    // Memory and disk empty, checked under the lock: the next event goes to memory and wakes this take.
                    next = queue.take();
                }
                if (next == END) {
                    while (sendOldestSegment()) {
                        // what waits on disk belongs before the end too
                    }
                    break;
                }
                deliver((Event) next);
            }
            synchronized (lock) {
                if (stopped) {
                    return; // close() gave up waiting and kept the rest for the next run
                }
            }
            try {
                inner.close();
            } catch (IOException | RuntimeException ex) {
                fail(ex);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Event e) {
        if (failure != null) {
            failed.incrementAndGet();
            return;
        }
        boolean diskEmpty = true;
        if (disk != null) {
            synchronized (lock) {
                if (stopped) {
                    // Taken from the queue just as close() kept the rest: a window of a few instructions; counted.
                    dropped.incrementAndGet();
                    return;
                }
                current = e;
            }
        }
        try {
            inner.accept(e);
            handed.incrementAndGet();
            if (disk != null) {
                synchronized (lock) {
                    current = null;
                    diskEmpty = diskBroken || disk.isEmpty();
                }
            }
            if ((queue.isEmpty() || queue.peek() == END) && diskEmpty) { // the end marker is not an event
                inner.endOfBurst();
            }
        } catch (IOException | RuntimeException ex) {
            fail(ex);
        }
    }

    /**
     * Takes the oldest spool segment off the disk and sends it, entry by entry (each taken under
     * the lock, so close() can keep the rest).
     *
     * @return false when there was none (or close() stopped the worker)
     */
    private boolean sendOldestSegment() {
        if (disk == null) {
            return false;
        }
        synchronized (lock) {
            // Memory first: what is in it is older than anything on disk (accept adds to both under this lock).
            if (stopped || diskBroken || disk.isEmpty() || !(queue.isEmpty() || queue.peek() == END)) {
                return false;
            }
            try {
                inHand.addAll(disk.takeOldest());
            } catch (IOException | RuntimeException e) {
                diskBroken = true;
                long lost = disk.records();
                dropped.addAndGet(lost);
                LOG.log(System.Logger.Level.WARNING, name + ": the disk spool cannot be read back, " + lost
                        + " events in it dropped (counted), memory only from now on: " + e.getMessage());
                return false;
            }
        }
        while (true) {
            byte[] b;
            synchronized (lock) {
                current = null;
                if (stopped) {
                    return false;
                }
                b = inHand.poll();
                current = b;
            }
            if (b == null) {
                break;
            }
            if (failure != null) {
                failed.incrementAndGet();
                continue;
            }
            try {
                spoolable.acceptEncoded(b);
                handed.incrementAndGet();
            } catch (IOException | RuntimeException ex) {
                fail(ex);
            }
        }
        if (queue.isEmpty() || queue.peek() == END) {
            try {
                inner.endOfBurst();
            } catch (IOException | RuntimeException ex) {
                fail(ex);
            }
        }
        return true;
    }

    private void fail(Exception ex) {
        if (failure == null) {
            failure = ex instanceof IOException io ? io : new IOException(name + ": " + ex, ex);
            failed.incrementAndGet(); // the event in hand
            LOG.log(System.Logger.Level.WARNING, name + " failed, no further events go to it: " + ex.getMessage());
        }
    }

    /** The worker ends its own bursts when the queue runs empty; the disk spool is flushed to its file here. */
    @Override
    public void endOfBurst() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
        if (disk != null) {
            synchronized (lock) {
                if (!diskBroken && !stopped) {
                    try {
                        disk.flush();
                    } catch (IOException e) {
                        diskBroken = true;
                        LOG.log(System.Logger.Level.WARNING, name + ": the disk spool failed, memory only from now on: " + e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * Drains for at most the grace period, then closes the wrapped sink on the worker thread.
     *
     * @throws IOException the wrapped sink's failure, if it had one
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (worker == null) {
            inner.close(); // never started: this thread is the only one that ever called it
            closeDisk();
        } else {
            queue.offer(END); // the spare slot: always fits
            try {
                worker.join(Math.max(1, closeGrace.toMillis()));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            if (!worker.isAlive()) {
                closeDisk();
            } else if (disk == null) {
                int left = Math.max(0, queue.size() - (queue.contains(END) ? 1 : 0));
                dropped.addAndGet(left);
                LOG.log(System.Logger.Level.WARNING, name + ": still busy after " + closeGrace.toMillis()
                        + " ms at exit; " + left + " queued events dropped (counted)");
                queue.clear();
            } else {
                keepForNextRun();
            }
        }
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /** After the worker ended: the spool's files synced (what is left in them is for the next run). */
    private void closeDisk() {
        if (disk == null) {
            return;
        }
        synchronized (lock) {
            try {
                disk.close();
                if (disk.records() > 0) {
                    LOG.log(System.Logger.Level.INFO, name + ": " + disk.records() + " events kept in " + disk.dir() + " for the next run");
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, name + ": cannot sync the disk spool " + disk.dir() + ": " + e.getMessage());
            }
        }
    }

    /**
     * The grace period is over and the worker still busy: stops it and writes what it has not sent
     * (the segment in hand, then the memory queue: older than what is on disk) in front of the spool.
     */
    private void keepForNextRun() {
        synchronized (lock) {
            stopped = true;
            List<byte[]> keep = new ArrayList<>();
            if (current != null) { // still in the destination's send: kept as well (at least once, never lost)
                keep.add(current instanceof Event e ? spoolable.encode(e) : (byte[]) current);
            }
            keep.addAll(inHand);
            inHand.clear();
            List<Object> memory = new ArrayList<>();
            queue.drainTo(memory);
            for (Object o : memory) {
                if (o != END) {
                    keep.add(spoolable.encode((Event) o));
                }
            }
            try {
                if (diskBroken) {
                    throw new IOException("it failed earlier");
                }
                disk.prepend(keep);
                disk.close();
                LOG.log(System.Logger.Level.WARNING, name + ": still busy after " + closeGrace.toMillis() + " ms at exit; "
                        + disk.records() + " events kept in " + disk.dir() + " for the next run");
            } catch (IOException e) {
                dropped.addAndGet(keep.size());
                LOG.log(System.Logger.Level.WARNING, name + ": still busy after " + closeGrace.toMillis() + " ms at exit and cannot keep "
                        + keep.size() + " events in the disk spool (dropped, counted): " + e.getMessage());
            }
        }
    }

    /**
     * @return delivered: what the wrapped sink reports delivered (else what it accepted); dropped and
     *     failed: this queue's and the wrapped sink's own, added
     */
    @Override
    public SinkCounters counters() {
        SinkCounters own = inner.counters();
        long delivered = own != null ? own.delivered() : handed.get();
        long innerDropped = own != null ? own.dropped() : 0;
        long innerFailed = own != null ? own.failed() : 0;
        return new SinkCounters(name, delivered, dropped.get() + innerDropped, failed.get() + innerFailed);
    }

    /** @return the events waiting now in memory */
    public int queued() {
        int n = queue.size();
        return queue.contains(END) ? n - 1 : n;
    }

    /** @return the events waiting now in the disk spool (0 without one) */
    public long spooled() {
        if (disk == null) {
            return 0;
        }
        synchronized (lock) {
            return disk.records() + inHand.size();
        }
    }
}
