package dev.dmaudit.sink;

import dev.dmaudit.dm.CappedStreamReader;
import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hooks ({@code listen --exec}): runs programs for matching events, the event's JSON (the
 * {@code --format json} object) on stdin and its main fields as {@code DMAUDIT_*} environment
 * variables. A program is one executable path, run without a shell and without arguments, with a
 * fixed environment (PATH, LC_ALL=C and the DMAUDIT_ variables only).
 *
 * <p>{@link #accept} only filters, applies the per-device rate limit and offers the run to a
 * bounded queue; at most {@code maxRunning} worker threads (started with the first run) wait for
 * the programs. A run that is rate-limited or finds the queue full is dropped and counted; a
 * non-zero exit is a failure; a program still running at the timeout is killed with its children.
 * Each is one warning line (System.Logger) and a counter ({@link #counters()}).
 */
public final class ExecSink implements Sink {
    private static final System.Logger LOG = System.getLogger(ExecSink.class.getName());
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** stderr kept per run for the warning line: its first line is what is printed. */
    private static final int STDERR_CAP = 4096;
    /** A fresh Linux pipe takes this much without a reader: stdin up to it is written without blocking. */
    private static final int PIPE_CAPACITY = 65536;
    /** How long close() waits for queued and running hooks beyond one timeout. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    /**
     * What to run and how.
     *
     * @param programs     executables to run for each matching event (each gets its own run)
     * @param filter       which events run them (null: every delivered event)
     * @param timeout      how long one run may take before it is killed
     * @param maxRunning   runs at once
     * @param perDeviceMinute most events per device per minute that run the programs
     * @param queue        runs waiting for a worker before counted drops
     */
    public record Settings(List<Path> programs, EventFilter filter, Duration timeout, int maxRunning,
                           int perDeviceMinute, int queue) {
        /** Checks the bounds. */
        public Settings {
            programs = List.copyOf(programs);
            if (programs.isEmpty() || timeout.isNegative() || timeout.isZero() || maxRunning < 1
                    || perDeviceMinute < 1 || queue < 1) {
                throw new IllegalArgumentException("hook settings out of range");
            }
        }
    }

    private final Settings settings;
    private final LongSupplier nanoTime;
    /** Per device key: {window start, runs in it}; touched by the delivering thread only. */
    private final Map<String, long[]> windows = new HashMap<>();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong droppedRate = new AtomicLong();
    private final AtomicLong droppedQueue = new AtomicLong();
    private ThreadPoolExecutor workers;

    /** @param settings what to run and how */
    public ExecSink(Settings settings) {
        this(settings, System::nanoTime);
    }

    ExecSink(Settings settings, LongSupplier nanoTime) {
        this.settings = settings;
        this.nanoTime = nanoTime;
    }

    @Override
    public void accept(Event event) throws IOException {
        EventFilter f = settings.filter();
        if (f != null && !f.test(event.audit(), event.dm())) {
            return;
        }
        String device = event.dm() == null || event.dm().device() == null ? "-" : event.dm().device().toString();
        if (!withinRate(device)) {
            droppedRate.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "hook not run for event " + event.audit().serial() + " on device "
                    + device + ": more than " + settings.perDeviceMinute() + " per device per minute (--exec-rate)");
            return;
        }
        byte[] json = json(event);
        Map<String, String> env = environment(event);
        for (Path program : settings.programs()) {
            Run run = new Run(program, json, env, event.audit().serial());
            try {
                workers().execute(run);
            } catch (RejectedExecutionException full) {
                droppedQueue.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "hook " + program + " not run for event " + event.audit().serial()
                        + ": " + settings.queue() + " runs already waiting");
            }
        }
    }

    /** A fixed one-minute window per device, opened by its first event: a burst is cut exactly. */
    private boolean withinRate(String device) {
        long now = nanoTime.getAsLong();
        long[] w = windows.get(device);
        if (w == null || now - w[0] >= MINUTE_NANOS) {
            if (windows.size() > 4096) {
                windows.values().removeIf(x -> now - x[0] >= MINUTE_NANOS); // many devices: forget old windows
            }
            windows.put(device, new long[] {now, 1});
            return true;
        }
        if (w[1] >= settings.perDeviceMinute()) {
            return false;
        }
        w[1]++;
        return true;
    }

    private ThreadPoolExecutor workers() {
        if (workers == null) {
            AtomicInteger n = new AtomicInteger();
            workers = new ThreadPoolExecutor(settings.maxRunning(), settings.maxRunning(), 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(settings.queue()), r -> {
                        Thread t = new Thread(r, "dmaudit-hook-" + n.incrementAndGet());
                        t.setDaemon(true); // a hung hook never keeps the JVM alive
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            workers.allowCoreThreadTimeOut(true);
        }
        return workers;
    }

    /** The same object {@code --format json} prints, as one line. */
    /**
     * A hook runs as dmaudit does (root): a file others can replace would run their code as root.
     *
     * @param program the hook, an absolute path
     * @return null when only root (or we) can change it and every directory above, else why not
     * @throws IOException when the path cannot be resolved
     */
    public static String refusal(java.nio.file.Path program) throws IOException {
        java.nio.file.Path real = program.toRealPath();
        String why = dev.dmaudit.os.TrustedPath.fileRefusal(real, dev.dmaudit.os.TrustedPath.effectiveUid());
        return why != null ? why
                : dev.dmaudit.os.TrustedPath.checkOutputDirectory(real.getParent(), dev.dmaudit.os.TrustedPath.effectiveUid());
    }

    static byte[] json(Event event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        EventWriter w = new JsonEventWriter(out, null);
        w.write(event, null);
        w.flush();
        return out.toByteArray();
    }

    /** The DMAUDIT_* variables; empty where the event has no such field. */
    static Map<String, String> environment(Event event) {
        Map<String, String> env = new LinkedHashMap<>();
        DmEvent dm = event.dm();
        DmRecord first = dm == null ? null : dm.first();
        String sector = "";
        boolean ok = true;
        if (dm != null) {
            for (DmRecord r : dm.records()) {
                ok &= r.success();
                if (sector.isEmpty() && r instanceof DmData d && d.hasSector()) {
                    sector = Long.toString(d.sector());
                }
            }
        }
        env.put("DMAUDIT_DEVICE", dm == null || dm.device() == null ? "" : dm.device().toString());
        env.put("DMAUDIT_DEVICE_NAME", dm == null || dm.deviceName() == null ? "" : dm.deviceName());
        env.put("DMAUDIT_MODULE", first == null ? "" : first.module());
        env.put("DMAUDIT_OP", first == null ? "" : first.op());
        env.put("DMAUDIT_SECTOR", sector);
        env.put("DMAUDIT_RESULT", dm == null ? "" : ok ? "ok" : "failed");
        env.put("DMAUDIT_SERIAL", Long.toString(event.audit().serial()));
        env.put("DMAUDIT_TIME", Instant.ofEpochMilli(event.audit().timeMillis()).toString());
        env.put("DMAUDIT_KIND", dm == null ? "audit" : dm.isData() ? "dm_data" : "dm_control");
        // A NUL cannot be in an environment string (ProcessBuilder refuses it): never from the kernel, but names are not ours.
        env.replaceAll((k, v) -> v == null ? "" : v.replace('\0', '?'));
        return env;
    }

    /** One program for one event, on a worker thread. */
    private final class Run implements Runnable {
        private final Path program;
        private final byte[] json;
        private final Map<String, String> env;
        private final long serial;

        Run(Path program, byte[] json, Map<String, String> env, long serial) {
            this.program = program;
            this.json = json;
            this.env = env;
            this.serial = serial;
        }

        @Override
        public void run() {
            started.incrementAndGet();
            ProcessBuilder pb = new ProcessBuilder(List.of(program.toString()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> e = pb.environment();
            e.clear(); // dmaudit's own environment (and whatever it inherited) is not the hook's business
            e.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            e.put("LC_ALL", "C");
            e.putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException ex) {
                fail("cannot start: " + ex.getMessage());
                return;
            }
            CappedStreamReader err = CappedStreamReader.start(p.getErrorStream(), STDERR_CAP, "dmaudit-hook-stderr");
            if (json.length <= PIPE_CAPACITY) {
                feed(p);
            } else { // a program that does not read would block this write past the timeout
                Thread t = new Thread(() -> feed(p), "dmaudit-hook-stdin");
                t.setDaemon(true);
                t.start();
            }
            try {
                if (!p.waitFor(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                    ProcessCommandRunner.killTree(p);
                    timedOut.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, "hook " + program + " for event " + serial + " killed after "
                            + settings.timeout().toMillis() + " ms (--exec-timeout)");
                    return;
                }
                err.await(1000);
            } catch (InterruptedException ex) {
                ProcessCommandRunner.killTree(p); // close() gave up waiting
                Thread.currentThread().interrupt();
                fail("stopped at exit");
                return;
            }
            if (p.exitValue() != 0) {
                String first = err.text().strip().lines().findFirst().orElse("");
                fail("exit " + p.exitValue() + (first.isEmpty() ? "" : ": " + first));
            } else {
                succeeded.incrementAndGet();
            }
        }

        private void feed(Process p) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(json);
            } catch (IOException ex) {
                // the program did not read its stdin (closed it, exited, was killed): its choice
            }
        }

        private void fail(String why) {
            failed.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "hook " + program + " failed for event " + serial + ": " + Sanitize.oneLine(why));
        }
    }

    /**
     * Lets queued and running hooks finish for at most one timeout plus two seconds, then kills
     * what still runs.
     */
    @Override
    public void close() {
        if (workers == null) {
            return;
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(settings.timeout().plus(CLOSE_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                List<Runnable> never = workers.shutdownNow(); // interrupts the workers: they kill their programs
                droppedQueue.addAndGet(never.size());
                if (!never.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, never.size() + " queued hook runs not made: still waiting at exit");
                }
                workers.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** @return runs started (each program for each event) */
    public long started() {
        return started.get();
    }

    /** @return runs that could not start, ended with a non-zero exit or were stopped at close */
    public long failed() {
        return failed.get();
    }

    /** @return runs killed at the timeout */
    public long timedOut() {
        return timedOut.get();
    }

    /** @return events not run because their device was over the rate limit */
    public long droppedByRate() {
        return droppedRate.get();
    }

    /** @return runs not made because the queue was full (or still queued at close) */
    public long droppedByQueue() {
        return droppedQueue.get();
    }

    /**
     * @return {@code exec}, counted in runs (one event runs each program): delivered = runs that
     *     exited 0, dropped = runs not started (rate limit, full queue), failed = runs that failed
     *     or timed out
     */
    @Override
    public SinkCounters counters() {
        return new SinkCounters("exec", succeeded.get(), droppedByRate() + droppedByQueue(), failed() + timedOut());
    }

}
