package dev.dmaudit.locate;

import dev.dmaudit.dm.CommandResult;
import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.Tool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * XFS read with {@code xfs_db -r} (read-only: the device is opened O_RDONLY, nothing is written),
 * for what GETFSMAP cannot answer: an unmounted filesystem, and one without a reverse map. Per
 * burst at most three kinds of run, whatever the number of sectors:
 *
 * <ol>
 *   <li>the geometry ({@code sb 0} + {@code print}), once per filesystem generation;</li>
 *   <li>one {@code blockget} (a scan of every AG's btrees and every inode: it costs what
 *       {@code xfs_check} costs, seconds on a large filesystem, hence once per burst) followed by
 *       {@code daddr S} + {@code blockuse} per failing block: the block's use (sb, btbno, inode,
 *       data, dir, log, free2, …) and, for an inode's block, the inode;</li>
 *   <li>{@code inode I} + {@code bmap} per owning inode (the file offset), then the paths: a walk of
 *       the directory tree with {@code ls} (one run per tree level, bounded), which names every hard
 *       link ({@code ncheck} names one per inode). When mounted, the paths come from the mounted tree
 *       instead ({@link InodePaths}).</li>
 * </ol>
 *
 * <p>xfs_db reads the device, not the kernel's cache: on a mounted filesystem what it sees may be
 * stale, and {@code blockget} refuses a filesystem whose log holds changes not yet written back
 * (a busy mounted one; "valuable metadata changes in a log"). Both are said in the answer.
 */
final class XfsDb {
    /** Directory entries the path walk reads at most, and its time budget. */
    static final long WALK_ENTRIES = 2_000_000;
    static final long WALK_NANOS = 10_000_000_000L;
    /** Directories listed per xfs_db run (three arguments each). */
    static final int DIRS_PER_RUN = 1024;
    /** Owning inodes mapped per burst; more are UNKNOWN, not searched. */
    static final int MAX_INODES = Locator.MAX_PER_CALL;
    static final String DIRTY_LOG = "valuable metadata changes in a log";
    static final String STALE = " (xfs_db on a mounted filesystem: may be stale)";

    private final Tools tools;
    private final Map<String, Geometry> geometries = new HashMap<>();

    XfsDb(Tools tools) {
        this.tools = tools;
    }

    synchronized void invalidate() {
        geometries.clear();
    }

    /** What {@code sb 0} + {@code print} says of the layout (sizes in bytes, counts in blocks). */
    record Geometry(long blockSize, long agBlocks, long agCount, long inodeSize, long sectSize, long rootIno,
                    long dataBlocks) {
        static final List<String> FIELDS = List.of("blocksize", "agblocks", "agcount", "inodesize", "sectsize",
                "rootino", "dblocks");
        private static final Pattern FIELD = Pattern.compile("(?m)^(\\w+) = (\\d+)\\s*$");

        static Geometry parse(String out) {
            Map<String, Long> v = new HashMap<>();
            Matcher m = FIELD.matcher(out);
            while (m.find()) {
                v.put(m.group(1), Long.parseLong(m.group(2)));
            }
            if (!v.keySet().containsAll(FIELDS)) {
                throw new IllegalArgumentException("xfs_db sb print without " + FIELDS + ": " + out.strip());
            }
            return new Geometry(v.get("blocksize"), v.get("agblocks"), v.get("agcount"), v.get("inodesize"),
                    v.get("sectsize"), v.get("rootino"), v.get("dblocks"));
        }

        long perBlock() {
            return blockSize / 512;
        }

        /** @return 512-byte sectors in the data section */
        long sectors() {
            return dataBlocks * perBlock();
        }

        /** @return "agno/agbno" of the block holding the sector, as xfs_db prints it */
        String agPair(long sector) {
            long b = sector / perBlock();
            return (b / agBlocks) + "/" + (b % agBlocks);
        }

        /** @return the inodes whose slots hold this sector (XFS inode numbers are disk addresses) */
        List<Long> inodesIn(long sector) {
            long b = sector / perBlock();
            long agno = b / agBlocks;
            long agbno = b % agBlocks;
            int agblklog = 64 - Long.numberOfLeadingZeros(agBlocks - 1);
            int inopblog = Long.numberOfTrailingZeros(blockSize / inodeSize);
            long byteInBlock = (sector % perBlock()) * 512;
            long base = (agno << (agblklog + inopblog)) | (agbno << inopblog);
            List<Long> out = new ArrayList<>();
            // a 512-byte sector holds 512/isize inodes, or one part of a larger inode
            for (long k = 0; k < Math.max(1, 512 / inodeSize); k++) {
                out.add(base | (byteInBlock / inodeSize + k));
            }
            return out;
        }

        /** @return the AG header a sector of an AG's first block is (by sector index), or null */
        String agHeader(long sector) {
            long b = sector / perBlock();
            long byteInAg = (b % agBlocks) * blockSize + (sector % perBlock()) * 512;
            return switch ((int) Math.min(byteInAg / sectSize, 4)) {
                case 0 -> "superblock";
                case 1 -> "agf";
                case 2 -> "agi";
                case 3 -> "agfl";
                default -> null;
            };
        }
    }

    /** One {@code blockuse} line: the block's use and its owning inode (-1 when none). */
    record Use(String type, long inode) {
    }

    private static final Pattern BLOCKUSE = Pattern.compile(
            "(?m)^block \\d+ \\((\\d+/\\d+)\\) type (\\S+)(?: inode (\\d+))?\\s*$");

    /** @return "agno/agbno" → use, from blockuse lines (run without -n: no file name is printed) */
    static Map<String, Use> blockuse(String out) {
        Map<String, Use> uses = new LinkedHashMap<>();
        Matcher m = BLOCKUSE.matcher(out);
        while (m.find()) {
            uses.putIfAbsent(m.group(1), new Use(m.group(2), m.group(3) == null ? -1 : Long.parseLong(m.group(3))));
        }
        return uses;
    }

    /** One data-fork extent as {@code bmap} prints it (blocks; unwritten when {@code flag} is 1). */
    record Extent(long offset, long agno, long agbno, long count, boolean unwritten) {
    }

    private static final Pattern BMAP = Pattern.compile(
            "(?m)^data offset (\\d+) startblock \\d+ \\((\\d+)/(\\d+)\\) count (\\d+) flag (\\d)\\s*$");
    private static final Pattern BMAP_MARK = Pattern.compile("(?m)^@@bmap (\\d+) ?$");

    /** @return inode → data extents, from sections that {@code echo @@bmap I} opened */
    static Map<Long, List<Extent>> bmaps(String out) {
        Map<Long, List<Extent>> maps = new LinkedHashMap<>();
        Matcher mark = BMAP_MARK.matcher(out);
        List<int[]> bounds = new ArrayList<>();
        List<Long> inos = new ArrayList<>();
        while (mark.find()) {
            inos.add(Long.parseLong(mark.group(1)));
            bounds.add(new int[] {mark.end(), out.length()});
            if (bounds.size() > 1) {
                bounds.get(bounds.size() - 2)[1] = mark.start();
            }
        }
        for (int i = 0; i < inos.size(); i++) {
            List<Extent> ext = new ArrayList<>();
            Matcher m = BMAP.matcher(out).region(bounds.get(i)[0], bounds.get(i)[1]);
            while (m.find()) {
                ext.add(new Extent(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), m.group(5).equals("1")));
            }
            maps.put(inos.get(i), ext);
        }
        return maps;
    }

    /** One {@code ls} entry. */
    record Entry(long dir, long inode, String type, String name) {
    }

    private static final Pattern LS_MARK = Pattern.compile("@@ls (\\d+) ?\n");
    private static final Pattern LS_ENTRY = Pattern.compile("\\d+\\s+(\\d+)\\s+(\\S+)\\s+0x[0-9a-f]+\\s+(\\d+) ");
    private static final Pattern LS_END = Pattern.compile(" \\((?:good|bad)\\)\n");

    /** The entries of {@code ls} runs, and whether the whole output could be read. */
    record Listing(List<Entry> entries, boolean complete) {
    }

    /**
     * Reads {@code echo @@ls D} + {@code ls} sections strictly in sequence: each name is taken by its
     * length ({@code ls} prints it), so no name can pose as an entry or a marker. Anything that does
     * not parse ends the reading (the rest is not trusted) and makes the listing incomplete.
     */
    static Listing ls(String out, int from) {
        List<Entry> entries = new ArrayList<>();
        long dir = -1;
        int pos = from;
        while (pos < out.length()) {
            Matcher mark = LS_MARK.matcher(out).region(pos, out.length());
            if (mark.lookingAt()) {
                dir = Long.parseLong(mark.group(1));
                pos = mark.end();
                continue;
            }
            Matcher e = LS_ENTRY.matcher(out).region(pos, out.length());
            if (dir < 0 || !e.lookingAt()) {
                return new Listing(entries, false);
            }
            int nameEnd = utf8Span(out, e.end(), Integer.parseInt(e.group(3)));
            Matcher end = nameEnd < 0 ? null : LS_END.matcher(out).region(nameEnd, out.length());
            if (end == null || !end.lookingAt()) {
                return new Listing(entries, false);
            }
            entries.add(new Entry(dir, Long.parseLong(e.group(1)), e.group(2), out.substring(e.end(), nameEnd)));
            pos = end.end();
        }
        return new Listing(entries, true);
    }

    /** @return the index after {@code bytes} UTF-8 bytes from {@code start}, or -1 (undecodable name) */
    private static int utf8Span(String s, int start, int bytes) {
        int i = start;
        int n = 0;
        while (n < bytes && i < s.length()) {
            int cp = s.codePointAt(i);
            if (cp == 0xFFFD) {
                return -1; // the bytes were not UTF-8: their length is lost
            }
            n += new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            i += Character.charCount(cp);
        }
        return n == bytes ? i : -1;
    }

    private synchronized Geometry geometry(FsTarget fs) throws DmToolException {
        String key = fs.device() + " " + fs.path();
        Geometry g = geometries.get(key);
        if (g == null) {
            CommandResult r = tools.runAnyExit(Tool.XFS_DB, List.of("-r", "-c", "sb 0", "-c",
                    "print " + String.join(" ", Geometry.FIELDS), fs.path().toString()));
            try {
                g = Geometry.parse(r.stdout());
            } catch (IllegalArgumentException e) {
                throw new DmToolException("xfs_db: " + (r.stderr().isBlank() ? e.getMessage() : r.stderr().strip()), e);
            }
            geometries.put(key, g);
        }
        return g;
    }

    /** @return the output of one {@code xfs_db -r -c C1 -c C2 … DEVICE} */
    private String run(FsTarget fs, List<String> commands) throws DmToolException {
        List<String> args = new ArrayList<>(List.of("-r"));
        commands.forEach(c -> args.addAll(List.of("-c", c)));
        args.add(fs.path().toString());
        return tools.runAnyExit(Tool.XFS_DB, args).stdout();
    }

    /** Paths of inodes, and whether the whole tree was seen. */
    private record Paths(Map<Long, List<String>> paths, boolean complete, String prefixOut) {
    }

    /**
     * Runs {@code prefix} commands (bmaps: no names in their output) with the first level of the
     * walk, then one run per tree level: {@code echo @@ls D}, {@code inode D}, {@code ls}.
     */
    private Paths walk(FsTarget fs, Geometry g, Set<Long> want, List<String> prefix) throws DmToolException {
        Map<Long, List<String>> found = new LinkedHashMap<>();
        String prefixOut = "";
        boolean complete = true;
        if (want.contains(g.rootIno())) {
            found.computeIfAbsent(g.rootIno(), k -> new ArrayList<>()).add("/");
        }
        Map<Long, String> level = new LinkedHashMap<>();
        level.put(g.rootIno(), "");
        Set<Long> seen = new HashSet<>(level.keySet());
        long entries = 0;
        long deadline = System.nanoTime() + WALK_NANOS;
        boolean first = true;
        walk:
        while (!level.isEmpty() && !want.isEmpty()) {
            List<Map.Entry<Long, String>> dirs = new ArrayList<>(level.entrySet());
            Map<Long, String> next = new LinkedHashMap<>();
            for (int k = 0; k < dirs.size(); k += DIRS_PER_RUN) {
                if (System.nanoTime() > deadline) {
                    complete = false;
                    break walk;
                }
                List<String> cmds = new ArrayList<>(first ? prefix : List.of());
                for (Map.Entry<Long, String> d : dirs.subList(k, Math.min(dirs.size(), k + DIRS_PER_RUN))) {
                    cmds.addAll(List.of("echo @@ls " + d.getKey(), "inode " + d.getKey(), "ls"));
                }
                String out = run(fs, cmds);
                int from = 0;
                if (first) {
                    // the prefix prints no names: the first marker is a real one
                    Matcher m = Pattern.compile("(?m)^@@ls \\d+ ?$").matcher(out);
                    from = m.find() ? m.start() : out.length();
                    prefixOut = out.substring(0, from);
                    first = false;
                }
                Listing l = ls(out, from);
                complete &= l.complete();
                for (Entry e : l.entries()) {
                    if (e.name().equals(".") || e.name().equals("..")) {
                        continue;
                    }
                    if (++entries > WALK_ENTRIES) {
                        complete = false;
                        break walk;
                    }
                    String parent = level.get(e.dir());
                    if (parent == null) {
                        continue;
                    }
                    String path = parent + "/" + e.name();
                    if (want.contains(e.inode())) {
                        found.computeIfAbsent(e.inode(), x -> new ArrayList<>()).add(path);
                    }
                    if (e.type().equals("directory") && seen.add(e.inode())) {
                        next.put(e.inode(), path);
                    }
                }
            }
            level = next;
        }
        if (first && !prefix.isEmpty()) {
            prefixOut = run(fs, prefix);
        }
        return new Paths(found, complete, prefixOut);
    }

    /**
     * Places sectors of the XFS data section on {@code fs.path()}.
     *
     * @param fs       the filesystem (mounted or not: mounted, the answer says it may be stale)
     * @param requests the sectors
     * @return one location per request
     */
    List<Location> locate(FsTarget fs, List<FsTarget.Request> requests) {
        List<Location> out = new ArrayList<>();
        String note = fs.mount() == null ? "" : STALE;
        Geometry g;
        Map<String, Use> uses;
        String failure = null;
        String said = null;
        try {
            g = geometry(fs);
        } catch (DmToolException | RuntimeException e) {
            for (FsTarget.Request r : requests) {
                out.add(Location.unknown("xfs_db failed: " + e.getMessage(), r.chain()));
            }
            return out;
        }
        // 2. one blockget, then the use of every failing block. `daddr S` reads sector S, and the
        // sector being located is the one that cannot be read: then the cursor stays where it was
        // and blockuse would answer for another block (seen in the e2e VM). So each run of
        // consecutive failing blocks is reached from the block before it (`blockuse -c N` walks on
        // from there without reading); an AG's first block (its headers) needs no tool.
        java.util.TreeSet<Long> blocks = new java.util.TreeSet<>();
        for (FsTarget.Request r : requests) {
            if (r.sector() >= 0 && r.sector() < g.sectors()) {
                blocks.add(r.sector() / g.perBlock());
            }
        }
        List<String> args = new ArrayList<>(List.of("-r", "-c", "blockget"));
        Long runStart = null;
        Long prev = null;
        for (Long b : blocks) {
            boolean agStart = b % g.agBlocks() == 0;
            if (runStart != null && (b != prev + 1 || agStart)) {
                args.addAll(blockuseRun(g, runStart, prev));
                runStart = null;
            }
            if (runStart == null && !agStart) {
                runStart = b;
            } else if (runStart == null && b + 1 < g.dataBlocks() && blocks.contains(b + 1)
                    && (b + 1) % g.agBlocks() != 0) {
                runStart = b + 1; // the rest of the run after an AG's header block
            }
            prev = b;
        }
        if (runStart != null && runStart <= prev) {
            args.addAll(blockuseRun(g, runStart, prev));
        }
        boolean ask = args.size() > 3;
        args.add(fs.path().toString());
        uses = new HashMap<>();
        if (ask) {
            try {
                CommandResult res = tools.runAnyExit(Tool.XFS_DB, args);
                if ((res.stdout() + res.stderr()).contains(DIRTY_LOG)) {
                    failure = "xfs_db refused: the log holds changes not yet written back (a mounted or"
                            + " uncleanly unmounted filesystem)";
                } else {
                    uses.putAll(blockuse(res.stdout()));
                    said = firstOther(res.stderr() + "\n" + res.stdout());
                    if (uses.isEmpty()) {
                        failure = "xfs_db blockget gave no answer" + (said == null ? "" : ": " + said);
                    }
                }
            } catch (DmToolException | RuntimeException e) {
                failure = "xfs_db failed: " + e.getMessage();
            }
        }
        for (Long b : blocks) {
            if (b % g.agBlocks() == 0 && failure == null) {
                uses.put(g.agPair(b * g.perBlock()), new Use("sb", -1));
            }
        }
        // 3. the owners' maps (file data only) and the paths of owners and of inode-table inodes
        Set<Long> mapped = new LinkedHashSet<>();
        Set<Long> want = new LinkedHashSet<>();
        for (FsTarget.Request r : requests) {
            if (r.sector() < 0 || r.sector() >= g.sectors()) {
                continue;
            }
            Use u = uses.get(g.agPair(r.sector()));
            if (u == null) {
                continue;
            }
            if (u.inode() >= 0 && want.size() < MAX_INODES) {
                want.add(u.inode());
                if (u.type().equals("data")) {
                    mapped.add(u.inode());
                }
            } else if (u.type().equals("inode")) {
                want.addAll(g.inodesIn(r.sector()));
            }
        }
        List<String> prefix = new ArrayList<>();
        for (Long i : mapped) {
            prefix.addAll(List.of("echo @@bmap " + i, "inode " + i, "bmap"));
        }
        Map<Long, List<Extent>> maps = Map.of();
        Map<Long, List<String>> paths = new HashMap<>();
        boolean complete = true;
        if (!want.isEmpty()) {
            try {
                if (fs.mount() == null) {
                    Paths p = walk(fs, g, want, prefix);
                    maps = bmaps(p.prefixOut());
                    paths = p.paths();
                    complete = p.complete();
                } else {
                    if (!prefix.isEmpty()) {
                        maps = bmaps(run(fs, prefix));
                    }
                    InodePaths.Found f = InodePaths.find(java.nio.file.Path.of(fs.mountPoint()), want,
                            WALK_ENTRIES, WALK_NANOS);
                    paths = f.paths();
                    complete = f.complete();
                }
            } catch (DmToolException | RuntimeException e) {
                failure = "xfs_db failed: " + e.getMessage();
            }
        }
        for (FsTarget.Request r : requests) {
            out.add(classify(fs, g, r, uses, maps, paths, complete, failure, said, note));
        }
        return out;
    }

    /**
     * @return the commands that print the use of blocks {@code first..last} (one AG, first not its
     * header block) without reading them: the cursor goes to the block before, which is read
     */
    private static List<String> blockuseRun(Geometry g, long first, long last) {
        return List.of("-c", "daddr " + (first - 1) * g.perBlock(), "-c", "blockuse -c " + (last - first + 2));
    }

    /** @return the first line xfs_db printed that is not a blockuse answer (what it complained of), or null */
    private static String firstOther(String s) {
        for (String line : s.split("\n")) {
            if (!line.isBlank() && !BLOCKUSE.matcher(line).find()) {
                return line.strip();
            }
        }
        return null;
    }

    private static Location classify(FsTarget fs, Geometry g, FsTarget.Request r, Map<String, Use> uses,
                                     Map<Long, List<Extent>> maps, Map<Long, List<String>> paths, boolean complete,
                                     String failure, String said, String note) {
        long s = r.sector();
        long block = s / g.perBlock();
        if (s >= g.sectors()) {
            return loc(fs, Location.Kind.OUTSIDE, null, null, null, null, null,
                    "past the end of the XFS data section (" + g.dataBlocks() + " blocks)", r);
        }
        Use u = uses.get(g.agPair(s));
        if (u == null) {
            return loc(fs, Location.Kind.UNKNOWN, null, null, null, block, null, failure != null ? failure
                    : "xfs_db blockuse gave no answer for block " + g.agPair(s) + " (answered for "
                    + uses.keySet().stream().limit(3).toList() + (said == null ? "" : "; xfs_db said: " + said) + ")", r);
        }
        List<String> p = u.inode() >= 0 ? paths.getOrDefault(u.inode(), List.of()) : List.of();
        Long ino = u.inode() >= 0 ? u.inode() : null;
        String noPath = p.isEmpty() && !complete ? " (no path: the directory walk was cut short)" : "";
        String meta = switch (u.type()) {
            case "sb", "agf", "agi", "agfl" -> {
                String h = g.agHeader(s);
                yield h == null ? "ag_header_block" : h;
            }
            case "btbno", "btcnt" -> "free_space_btree";
            case "btino", "btfino" -> "inode_btree";
            case "btrmap" -> "rmap_btree";
            case "btrefc", "btrefcnt" -> "refcount_btree";
            case "freelist" -> "agfl_reserve";
            case "log" -> "log";
            case "dir" -> "directory";
            case "attr" -> "xattr_block";
            case "btbmapd", "btbmapa" -> "extent_tree";
            case "sym" -> "symlink";
            case "quota", "rtbitmap", "rtsum" -> u.type();
            default -> null;
        };
        if (meta != null) {
            return loc(fs, Location.Kind.METADATA, p, ino, null, block, null, meta + noPath + note, r);
        }
        switch (u.type()) {
            case "free1", "free2" -> {
                return loc(fs, Location.Kind.FREE, null, null, null, block, null, "free" + note, r);
            }
            case "inode" -> {
                List<Long> stored = g.inodesIn(s);
                List<String> sp = new ArrayList<>();
                stored.forEach(i -> sp.addAll(paths.getOrDefault(i, List.of())));
                return loc(fs, Location.Kind.METADATA, sp, null, null, block, stored, "inode_table" + note, r);
            }
            case "data" -> {
                long agno = block / g.agBlocks();
                long agbno = block % g.agBlocks();
                for (Extent e : maps.getOrDefault(u.inode(), List.of())) {
                    if (e.agno() == agno && agbno >= e.agbno() && agbno < e.agbno() + e.count()) {
                        long offset = (e.offset() + agbno - e.agbno()) * g.blockSize() + (s % g.perBlock()) * 512;
                        return loc(fs, Location.Kind.FILE, p, ino, offset, block, null,
                                (e.unwritten() ? "regular, unwritten extent" : "regular") + noPath + note, r);
                    }
                }
                return loc(fs, Location.Kind.UNKNOWN, p, ino, null, block, null, failure != null ? failure
                        : "inode " + u.inode() + " owns the block but its map does not list it", r);
            }
            default -> {
                // "unknown" (referenced by nothing xfs_db found, yet not free), "missing", anything new
                return loc(fs, Location.Kind.UNKNOWN, null, ino, null, block, null,
                        "xfs_db blockuse says type " + u.type() + " for block " + g.agPair(s) + note, r);
            }
        }
    }

    private static Location loc(FsTarget fs, Location.Kind kind, List<String> paths, Long inode, Long offset,
                                Long block, List<Long> inodes, String detail, FsTarget.Request r) {
        return new Location(kind, "xfs", fs.path().toString(), fs.mountPoint(), paths, inode, offset, block, inodes,
                detail, r.chain());
    }
}
