package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link DeviceStatusProvider} over dmsetup. A lookup forks three short dmsetup runs (info, status,
 * table), so a burst of events must not cause a burst of processes: each device is asked at most
 * once per {@code minInterval}, all devices share a token bucket, and when either limit applies,
 * or the tools fail, the last result is returned marked stale.
 *
 * <p>Lookups are serialized; a slow tool delays other lookups by at most the dmsetup timeout.
 */
public final class DmEnricher implements DeviceStatusProvider {
    private static final int MAX_CACHED = 1024;

    private final DmSetup dmsetup;
    private final Duration minInterval;
    private final TokenBucket bucket;
    private final Clock clock;
    private final Map<String, Entry> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_CACHED;
        }
    };
    private long forks;
    private long limited;

    /** Last attempt per device, and the last good result (null when none yet). */
    private record Entry(Instant attemptAt, DeviceHealth health) {
    }

    /**
     * @param dmsetup     the dmsetup access (with its own timeout)
     * @param minInterval least time between two queries of one device
     * @param bucket      global limit on queries
     * @param clock       time source
     */
    public DmEnricher(DmSetup dmsetup, Duration minInterval, TokenBucket bucket, Clock clock) {
        this.dmsetup = dmsetup;
        this.minInterval = minInterval;
        this.bucket = bucket;
        this.clock = clock;
    }

    /**
     * Defaults for a listener: 2 s per device, bursts of 5, then one query per second overall.
     *
     * @param dmsetup the dmsetup access
     * @return the enricher
     */
    public static DmEnricher withDefaults(DmSetup dmsetup) {
        Clock clock = Clock.systemUTC();
        return new DmEnricher(dmsetup, Duration.ofSeconds(2), new TokenBucket(5, Duration.ofSeconds(1), clock), clock);
    }

    @Override
    public Optional<DeviceHealth> lookup(DeviceNumber id) {
        return lookup(id.toString(), DmSelector.id(id));
    }

    @Override
    public Optional<DeviceHealth> lookup(String name) {
        try {
            return lookup("name:" + name, DmSelector.name(name));
        } catch (InvalidDeviceNameException e) {
            return Optional.empty();
        }
    }

    /** @return how many lookups ran the tools */
    public synchronized long forks() {
        return forks;
    }

    /** @return how many lookups were answered from the cache because of a limit */
    public synchronized long limited() {
        return limited;
    }

    private synchronized Optional<DeviceHealth> lookup(String key, DmSelector which) {
        Instant now = clock.instant();
        Entry e = cache.get(key);
        Optional<DeviceHealth> previous = Optional.ofNullable(e == null ? null : e.health()).map(DeviceHealth::asStale);
        boolean tooSoon = e != null && now.isBefore(e.attemptAt().plus(minInterval));
        if (tooSoon || !bucket.tryAcquire()) {
            limited++;
            return previous;
        }
        forks++;
        try {
            DeviceHealth h = query(which, now);
            cache.put(key, new Entry(now, h));
            return Optional.of(h);
        } catch (DmToolException | RuntimeException ex) {
            // Enrichment is best effort: the event is reported without it, the last result kept.
            cache.put(key, new Entry(now, e == null ? null : e.health()));
            return previous;
        }
    }

    private DeviceHealth query(DmSelector which, Instant now) throws DmToolException {
        List<DmInfo> info = dmsetup.info(which);
        List<DmStatusLine> status = dmsetup.status(which);
        List<DmTableLine> table = dmsetup.table(which, KeyDisplay.REDACT);
        if (info.isEmpty() || status.isEmpty()) {
            throw new DmToolException("no such device: " + which);
        }
        long sum = 0;
        boolean any = false;
        for (DmStatusLine s : status) {
            if (s.status() instanceof IntegrityTargetStatus i) {
                sum += i.mismatches();
                any = true;
            }
        }
        Optional<String> backing = table.isEmpty() ? Optional.empty() : backingDevice(table.get(0).target());
        return new DeviceHealth(info.get(0).id(), info.get(0).name(), status.get(0).targetType(), backing,
                any ? OptionalLong.of(sum) : OptionalLong.empty(), status.get(0).status(), now, false);
    }

    /**
     * @param t parsed table parameters
     * @return the device under a known target type
     */
    static Optional<String> backingDevice(TargetTable t) {
        if (t instanceof IntegrityTargetTable i) {
            return Optional.of(i.device());
        }
        if (t instanceof CryptTargetTable c) {
            return Optional.of(c.device());
        }
        if (t instanceof LinearTargetTable l) {
            return Optional.of(l.device());
        }
        if (t instanceof VerityTargetTable v) {
            return Optional.of(v.dataDevice());
        }
        return Optional.empty();
    }
}
