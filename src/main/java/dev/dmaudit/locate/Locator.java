package dev.dmaudit.locate;

import dev.dmaudit.dm.CommandRunner;
import dev.dmaudit.dm.DmSelector;
import dev.dmaudit.dm.DmSetup;
import dev.dmaudit.dm.KeyDisplay;
import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.dm.TokenBucket;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * From a failing sector to what it holds: a file (every path, the byte offset), filesystem
 * metadata (which kind), free space, or nothing of a filesystem (a LUKS header, LVM metadata).
 *
 * <p>How: the device and unit the kernel reports are turned into a 512-byte sector of that device
 * (per op, see {@link StackWalk}); the walk goes up through the devices holding it (sysfs
 * {@code holders/}, their {@code dmsetup table}: linear and crypt offsets) to the device with no
 * holder; its signature says which filesystem; ext2/3/4 is read with e2fsprogs ({@code dumpe2fs},
 * {@code debugfs} read-only), XFS with xfsprogs ({@code xfs_io fsmap} when mounted with a reverse
 * map, else {@code xfs_db -r}). Any other filesystem gives its device and sector, UNSUPPORTED.
 *
 * <p>Costs are bounded. A call takes many queries and runs per filesystem a fixed number of tool
 * processes (see the locators), never one per sector; each process has a timeout and its stderr
 * is kept for the failure. Results are cached by (device, op, sector, generation) for
 * {@link #CACHE_TTL}; the generation moves on {@link #invalidate()} (a listener calls it on every
 * DM_CTRL ctr/dtr: a new table may map other data there) and whenever the mount table changed.
 * Each filesystem may start at most {@link #BURST} tool batches at once, then one per
 * {@link #REFILL}; beyond that a query is answered UNKNOWN ("rate limited"), not queued. At most
 * {@link #MAX_PER_CALL} sectors are placed per call; the rest are UNKNOWN, counted by the caller.
 *
 * <p>Thread-safe; calls are serialized (one burst at a time).
 */
public final class Locator {
    /** How long a cached location is trusted: files are written and deleted without any event. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(60);
    /** Tool batches a filesystem may start at once. */
    public static final int BURST = 5;
    /** Time to earn one more batch. */
    public static final Duration REFILL = Duration.ofSeconds(2);
    /** Sectors placed per call at most (a burst of 10,000 failing sectors is cut here). */
    public static final int MAX_PER_CALL = 4096;
    private static final int CACHE_ENTRIES = 65536;

    /**
     * One failing sector as a DM_EVENT names it.
     *
     * @param device the record's device
     * @param op     the record's op (integrity-checksum, integrity-aead, verify-data, …); null for a
     *               plain 512-byte sector of {@code device}
     * @param sector the record's sector (negative for {@code sector=?})
     * @param uevent the report is dm-verity's corruption uevent ({@code DM_VERITY_ERR_BLOCK_NR}, an
     *               event of origin {@code uevent}): {@code device} is then the verity device itself
     *               and {@code sector} its block (op {@code verify-data}: a data block,
     *               {@code verify-metadata}: a hash-device block), where the audit record of the same
     *               op names the data device and a data block
     */
    public record Query(DeviceNumber device, String op, long sector, boolean uevent) {
        /** Checks the device. */
        public Query {
            Objects.requireNonNull(device);
        }

        /**
         * A query as an audit record gives it.
         *
         * @param device the record's device
         * @param op     the record's op, or null
         * @param sector the record's sector
         */
        public Query(DeviceNumber device, String op, long sector) {
            this(device, op, sector, false);
        }
    }

    private final SysBlock sys;
    private final StackWalk walk;
    private final Path mountinfo;
    private final Ext4Locator ext4;
    private final XfsLocator xfs;
    private final Tools tools;
    private final Clock clock;
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    private final Map<Query, Cached> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Query, Cached> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    private long generation;
    private Mounts mounts;
    private long hits;
    private long misses;

    private record Cached(Location location, long generation, long atMillis) {
    }

    Locator(Path sysRoot, Path devRoot, Path mountinfo, StackWalk.Tables tables, CommandRunner runner,
            Duration toolTimeout, Clock clock) {
        this.sys = new SysBlock(sysRoot, devRoot);
        this.walk = new StackWalk(sys, tables);
        this.mountinfo = mountinfo;
        this.tools = new Tools(runner, toolTimeout);
        this.ext4 = new Ext4Locator(tools);
        this.xfs = new XfsLocator(tools);
        this.clock = clock;
    }

    /**
     * A locator over this host's /sys, /dev and mount table, running the real tools (10 s timeout each).
     *
     * @return the locator
     */
    public static Locator create() {
        return create(Duration.ofSeconds(10));
    }

    /**
     * @param toolTimeout the longest one tool run may take (then it is killed and its queries are UNKNOWN)
     * @return a locator over this host
     */
    public static Locator create(Duration toolTimeout) {
        CommandRunner runner = new ProcessCommandRunner();
        DmSetup dmsetup = new DmSetup(runner, toolTimeout);
        return new Locator(Path.of("/sys"), Path.of("/dev"), Path.of("/proc/self/mountinfo"),
                d -> dmsetup.table(DmSelector.id(d), KeyDisplay.REDACT), runner, toolTimeout, Clock.systemUTC());
    }

    /**
     * @param device the device a DM_EVENT names
     * @param op     its op
     * @param sector its sector
     * @return where that sector is
     */
    public Location locate(DeviceNumber device, String op, long sector) {
        return locateAll(List.of(new Query(device, op, sector))).get(0);
    }

    /**
     * @param query one sector as a DM_EVENT or a dm-verity uevent names it
     * @return where that sector is
     */
    public Location locate(Query query) {
        return locateAll(List.of(query)).get(0);
    }

    /**
     * Places many sectors at once: the tools run per filesystem, not per sector.
     *
     * @param queries the sectors
     * @return one location per query, in order
     */
    public synchronized List<Location> locateAll(List<Query> queries) {
        long now = clock.millis();
        Mounts m = Mounts.read(mountinfo);
        if (!m.sameAs(mounts)) {
            if (mounts != null) {
                bump();
            }
            mounts = m;
        }
        Location[] out = new Location[queries.size()];
        // walk each query up to its top device; group by top device
        Map<DeviceNumber, List<Integer>> byTop = new LinkedHashMap<>();
        Map<Integer, StackWalk.Result> walks = new HashMap<>();
        int placed = 0;
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            Cached c = cache.get(q);
            if (c != null && c.generation == generation && now - c.atMillis < CACHE_TTL.toMillis()) {
                out[i] = c.location;
                hits++;
                continue;
            }
            misses++;
            if (++placed > MAX_PER_CALL) {
                out[i] = Location.unknown("more than " + MAX_PER_CALL + " sectors in one burst", List.of());
                continue;
            }
            StackWalk.Result r = walk.up(q.device(), q.op(), q.sector(), q.uevent());
            if (r.terminal() != null) {
                out[i] = r.terminal();
                continue;
            }
            walks.put(i, r);
            byTop.computeIfAbsent(r.top(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<DeviceNumber, List<Integer>> e : byTop.entrySet()) {
            List<Integer> idx = e.getValue();
            List<FsTarget.Request> reqs = new ArrayList<>();
            for (int i : idx) {
                List<Location.Step> chain = walks.get(i).chain();
                reqs.add(new FsTarget.Request(chain.get(chain.size() - 1).sector(), chain));
            }
            List<Location> found = onTop(e.getKey(), reqs);
            for (int k = 0; k < idx.size(); k++) {
                out[idx.get(k)] = found.get(k);
            }
        }
        for (int i = 0; i < out.length; i++) {
            Location l = out[i];
            if (!"rate limited".equals(l.detail()) && !l.detail().startsWith("more than ")) {
                cache.put(queries.get(i), new Cached(l, generation, now));
            }
        }
        return List.of(out);
    }

    private List<Location> onTop(DeviceNumber top, List<FsTarget.Request> reqs) {
        List<Location> out = new ArrayList<>();
        Path path = sys.devicePath(top);
        String type;
        try {
            type = path == null ? null : FsProbe.probe(path);
        } catch (IOException e) {
            for (FsTarget.Request r : reqs) {
                out.add(Location.unknown("cannot read " + path + ": " + e.getMessage(), r.chain()));
            }
            return out;
        }
        FsTarget fs = new FsTarget(top, path, type, mounts.of(top));
        boolean ext = type != null && type.startsWith("ext");
        if (!ext && !"xfs".equals(type)) {
            for (FsTarget.Request r : reqs) {
                out.add(type == null
                        ? new Location(Location.Kind.UNKNOWN, null, String.valueOf(path), fs.mountPoint(), null, null,
                        null, null, null, "no filesystem recognised on " + path, r.chain())
                        : new Location(Location.Kind.UNSUPPORTED, type, String.valueOf(path), fs.mountPoint(), null,
                        null, null, null, null, type + " is not supported (sector " + r.sector() + " of " + path + ")",
                        r.chain()));
            }
            return out;
        }
        TokenBucket bucket = buckets.computeIfAbsent(top.toString(), k -> new TokenBucket(BURST, REFILL, clock));
        if (!bucket.tryAcquire()) {
            for (FsTarget.Request r : reqs) {
                out.add(new Location(Location.Kind.UNKNOWN, type, path.toString(), fs.mountPoint(), null, null, null,
                        null, null, "rate limited", r.chain()));
            }
            return out;
        }
        return ext ? ext4.locate(fs, reqs) : xfs.locate(fs, reqs);
    }

    /**
     * Forgets every cached location and filesystem layout: call it when a device-mapper table
     * changed (a DM_CTRL ctr or dtr) or a filesystem was made. Mount changes are noticed without it.
     */
    public synchronized void invalidate() {
        bump();
    }

    private void bump() {
        generation++;
        cache.clear();
        ext4.invalidate();
        xfs.invalidate();
    }

    /** @return locations answered from the cache */
    public synchronized long cacheHits() {
        return hits;
    }

    /** @return locations that were looked up */
    public synchronized long cacheMisses() {
        return misses;
    }

    /** @return tool processes started so far */
    public long toolRuns() {
        return tools.runs();
    }
}
