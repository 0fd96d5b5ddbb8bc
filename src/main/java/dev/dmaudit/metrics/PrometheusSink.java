package dev.dmaudit.metrics;

import dev.dmaudit.api.Metrics;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A Prometheus endpoint for {@code listen --metrics}: a sink that counts the delivered events (on
 * the delivery thread: a counter increment, never a wait) and, at scrape time, the listener's own
 * counters from a {@link Metrics} snapshot. The HTTP server has one daemon thread of its own, so a
 * slow or stuck scraper holds neither the reader nor the delivery thread. Every name starts with
 * {@code dmaudit_}; README "Metrics" lists them.
 *
 * <p>Labels are bounded: at most {@code maxDevices} distinct device/name pairs get series of their
 * own; events of further devices are counted under {@code device="other",name="other"} and in
 * {@code dmaudit_device_label_overflow_total}. Module and op come from the kernel's fixed
 * vocabulary; those too are capped (64 pairs) the same way.
 */
public final class PrometheusSink implements Sink {
    /** The label value that stands for every device (or module/op) past the cap. */
    public static final String OTHER = "other";
    private static final int MAX_OPS = 64;

    /** What the endpoint needs from the listener, read at scrape time from the HTTP thread. */
    public interface Source {
        /** @return the listener's counters now, or null before the listener exists */
        Metrics metrics();

        /** @return whether kernel auditing is enabled, or null when unknown */
        Boolean auditEnabled();

        /**
         * @return data failures in the history that nobody has acknowledged ({@code dmaudit ack}),
         *     or null without a history (the gauge is then left out)
         */
        default Long unacknowledgedFailures() {
            return null;
        }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter dmEvents;
    private final Counter dataFailures;
    private final Counter otherEvents;
    private final Counter overflow;
    private final Gauge lastEvent;
    private final Map<String, String[]> devices = new HashMap<>();
    private final Map<String, String[]> ops = new HashMap<>();
    private final int maxDevices;
    private final String mode;
    private final Source source;
    private final ExecutorService http;
    private final HTTPServer server;
    private volatile long delivered;

    /**
     * Registers the metrics and starts the HTTP server on {@code address} ({@code /metrics}).
     *
     * @param address    where to listen; port 0 picks a free one ({@link #port})
     * @param maxDevices distinct device/name label pairs before {@link #OTHER}
     * @param mode       the listener's mode ({@code daemon} or {@code multicast}), a gauge label
     * @param source     the listener's counters and audit state
     * @throws IOException when the address cannot be bound
     */
    public PrometheusSink(InetSocketAddress address, int maxDevices, String mode, Source source) throws IOException {
        this.maxDevices = maxDevices;
        this.mode = mode;
        this.source = source;
        dmEvents = Counter.builder().name("dmaudit_dm_events_total")
                .help("Device-mapper audit events delivered, by device, module, op and result (ok|failed)")
                .labelNames("device", "name", "module", "op", "result").register(registry);
        dataFailures = Counter.builder().name("dmaudit_data_failures_total")
                .help("Data integrity failures (DM_EVENT: checksum, MAC, AEAD, verity hash) by device")
                .labelNames("device", "name").register(registry);
        otherEvents = Counter.builder().name("dmaudit_other_audit_events_total")
                .help("Delivered audit events without a device-mapper record (listen --all)").register(registry);
        overflow = Counter.builder().name("dmaudit_label_overflow_total")
                .help("Events counted under device=\"other\" or op=\"other\" because the label cap was reached")
                .labelNames("label").register(registry);
        lastEvent = Gauge.builder().name("dmaudit_last_event_timestamp_seconds")
                .help("Time of the last device-mapper event per device (Unix seconds)")
                .labelNames("device", "name").register(registry);
        registry.register(new ListenerCollector());
        http = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dmaudit-metrics-http");
            t.setDaemon(true); // never keeps the JVM alive
            return t;
        });
        try {
            server = HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort())
                    .registry(registry).executorService(http).buildAndStart();
        } catch (IOException | RuntimeException e) {
            http.shutdownNow();
            throw e;
        }
    }

    /** @return the bound port */
    public int port() {
        return server.getPort();
    }

    @Override
    public void accept(Event event) {
        long n = event.count();
        DmEvent dm = event.dm();
        if (dm == null) {
            otherEvents.inc(n);
        } else {
            String[] dev = capped(devices, maxDevices, "device",
                    dm.device() == null ? "" : dm.device().toString(), dm.deviceName() == null ? "" : dm.deviceName());
            DmRecord first = dm.first();
            String[] op = capped(ops, MAX_OPS, "op", first.module(), first.op());
            boolean ok = dm.records().stream().allMatch(DmRecord::success);
            dmEvents.labelValues(dev[0], dev[1], op[0], op[1], ok ? "ok" : "failed").inc(n);
            if (dm.isData()) {
                dataFailures.labelValues(dev[0], dev[1]).inc(n);
            }
            lastEvent.labelValues(dev[0], dev[1]).set(event.lastMillis() / 1000.0);
        }
        delivered++; // only the delivering thread writes
    }

    /** The pair as labels, or other/other once {@code cap} distinct pairs have their own. */
    private String[] capped(Map<String, String[]> seen, int cap, String what, String a, String b) {
        String key = a + '\0' + b;
        String[] v = seen.get(key);
        if (v == null) {
            if (seen.size() >= cap) {
                overflow.labelValues(what).inc();
                return new String[] {OTHER, OTHER};
            }
            v = new String[] {a, b};
            seen.put(key, v);
        }
        return v;
    }

    @Override
    public SinkCounters counters() {
        return new SinkCounters("metrics", delivered, 0, 0);
    }

    /** Stops the HTTP server (waiting at most 1 s for a scrape in progress). */
    @Override
    public void close() {
        server.stop();
        http.shutdownNow();
    }

    /**
     * The listener's counters and state, from one snapshot per scrape. Snapshot names leave out
     * {@code _total}: the text format adds it to counters.
     */
    private final class ListenerCollector implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            List<MetricSnapshot> out = new ArrayList<>();
            out.add(gauge("dmaudit_mode", "The listener's mode (1 for the mode in use)", Labels.of("mode", mode), 1));
            Boolean enabled;
            try {
                enabled = source.auditEnabled();
            } catch (RuntimeException e) { // the kernel's status unreadable now: the gauge is left out, not guessed
                enabled = null;
            }
            if (enabled != null) {
                out.add(gauge("dmaudit_audit_enabled", "Whether kernel auditing is enabled (0: no DM records come)",
                        Labels.EMPTY, enabled ? 1 : 0));
            }
            Long unacked;
            try {
                unacked = source.unacknowledgedFailures();
            } catch (RuntimeException e) { // the history unreadable now: left out, not guessed
                unacked = null;
            }
            if (unacked != null) {
                out.add(gauge("dmaudit_unacknowledged_failures",
                        "Data integrity failures in the history not yet acknowledged (dmaudit ack); dmaudit check alerts on them",
                        Labels.EMPTY, unacked));
            }
            Metrics m = source.metrics();
            if (m == null) {
                return new MetricSnapshots(out);
            }
            out.add(counter("dmaudit_datagrams", "Netlink datagrams received from the kernel", m.datagrams()));
            out.add(counter("dmaudit_records", "Audit records decoded", m.records()));
            out.add(counter("dmaudit_malformed", "Datagrams or records that failed to decode", m.malformed()));
            out.add(counter("dmaudit_events", "Events completed by grouping", m.events()));
            out.add(counter("dmaudit_delivered", "Events handed to the outputs", m.delivered()));
            out.add(counter("dmaudit_dropped", "Events dropped because the outputs were slower than the kernel",
                    m.droppedByQueue()));
            out.add(counter("dmaudit_enobufs",
                    "ENOBUFS overruns of the socket (each one lost records; how many the kernel does not say)", m.enobufs()));
            if (m.kernelLostDelta().isPresent()) { // unknown without CAP_AUDIT_CONTROL: absent, never 0
                out.add(counter("dmaudit_kernel_lost", "Growth of the kernel's audit lost counter since start",
                        m.kernelLostDelta().getAsLong()));
            }
            out.add(counter("dmaudit_sink_failures", "Output calls that failed (that output stops)", m.sinkFailures()));
            CounterSnapshot.Builder del = CounterSnapshot.builder().name("dmaudit_sink_delivered")
                    .help("Events each output delivered");
            CounterSnapshot.Builder drop = CounterSnapshot.builder().name("dmaudit_sink_dropped")
                    .help("Events each output dropped by design (its bounded queue, a rate limit)");
            CounterSnapshot.Builder fail = CounterSnapshot.builder().name("dmaudit_sink_failed")
                    .help("Events each output lost to an error");
            for (SinkCounters c : m.sinks()) {
                Labels l = Labels.of("sink", c.sink());
                del.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(c.delivered()).build());
                drop.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(c.dropped()).build());
                fail.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(c.failed()).build());
            }
            out.add(del.build());
            out.add(drop.build());
            out.add(fail.build());
            return new MetricSnapshots(out);
        }

        private MetricSnapshot counter(String name, String help, long value) {
            return CounterSnapshot.builder().name(name).help(help)
                    .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
        }

        private MetricSnapshot gauge(String name, String help, Labels labels, double value) {
            return GaugeSnapshot.builder().name(name).help(help)
                    .dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build()).build();
        }
    }
}
