package dev.dmaudit.locate;

import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.Tool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * XFS on a mounted filesystem, through the GETFSMAP ioctl as {@code xfs_io -r -c "fsmap -v -d A B"}
 * prints it (one xfs_io process per burst, one fsmap command per sector), with the geometry that
 * {@code xfs_spaceman -c info} (what xfs_info runs) prints, once per mount.
 *
 * <ul>
 *   <li>With a reverse map (mkfs.xfs {@code -m rmapbt=1}) GETFSMAP names each extent's owner: an
 *       inode's data (with its file offset), an inode chunk, a btree, the log, free space.</li>
 *   <li>Without one, GETFSMAP tells only free space from the rest ("unknown"). An allocated sector
 *       is then an inode slot exactly when the inode its address encodes (XFS inode numbers are disk
 *       addresses) exists. The other allocated sectors are looked for in every file's extents
 *       (FIEMAP, {@link FileDataSearch}: the live mapping), and what no file holds goes to
 *       {@link XfsDb} ({@code xfs_db -r} on the device: its answer may be stale, and it refuses while
 *       the log holds unwritten changes — then UNSUPPORTED with the filesystem block and that
 *       reason, not guessed).</li>
 *   <li>Paths: a bounded walk of the mount ({@link InodePaths}).</li>
 *   <li>An unmounted XFS is read with {@link XfsDb} alone.</li>
 * </ul>
 */
final class XfsLocator {
    private static final long WALK_ENTRIES = 2_000_000;
    private static final long WALK_NANOS = 10_000_000_000L;
    private final Tools tools;
    private final XfsDb db;
    private final Map<String, Geometry> geometries = new HashMap<>();

    XfsLocator(Tools tools) {
        this.tools = tools;
        this.db = new XfsDb(tools);
    }

    synchronized void invalidate() {
        geometries.clear();
        db.invalidate();
    }

    /** The numbers that turn a disk address into an inode number. */
    record Geometry(long blockSize, long agSize, long inodeSize, boolean rmap) {
        private static final Pattern AG = Pattern.compile("agcount=(\\d+), agsize=(\\d+) blks");
        private static final Pattern BS = Pattern.compile("bsize=(\\d+)");
        private static final Pattern IS = Pattern.compile("isize=(\\d+)");
        private static final Pattern RMAP = Pattern.compile("rmapbt=(\\d)");

        static Geometry parse(String info) {
            Matcher ag = AG.matcher(info);
            Matcher bs = BS.matcher(info);
            Matcher is = IS.matcher(info);
            Matcher rm = RMAP.matcher(info);
            if (!ag.find() || !bs.find() || !is.find()) {
                throw new IllegalArgumentException("xfs geometry without agsize, bsize or isize");
            }
            return new Geometry(Long.parseLong(bs.group(1)), Long.parseLong(ag.group(2)), Long.parseLong(is.group(1)),
                    rm.find() && rm.group(1).equals("1"));
        }

        /** @return the inode number whose slot covers this 512-byte sector of the device */
        long inodeAt(long sector) {
            long perBlock = blockSize / 512;
            long fsb = sector / perBlock;
            long agno = fsb / agSize;
            long agbno = fsb % agSize;
            int agblklog = 64 - Long.numberOfLeadingZeros(agSize - 1);
            int inopblog = Long.numberOfTrailingZeros(blockSize / inodeSize);
            long slot = (sector % perBlock) * 512 / inodeSize;
            return (agno << (agblklog + inopblog)) | (agbno << inopblog) | slot;
        }
    }

    /**
     * One fsmap row: the 512-byte range and its owner.
     *
     * @param first      first sector
     * @param last       last sector
     * @param owner      the owner text (inode N data, free space, unknown, inodes, …)
     * @param fileFirst  the FILE-OFFSET range's first sector, or -1
     */
    record Row(long first, long last, String owner, long fileFirst) {
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+: \\d+:\\d+ \\[(\\d+)\\.\\.(\\d+)\\]:\\s+(.*)$");
    private static final Pattern FILE_OFFSET = Pattern.compile("^\\[?(\\d+)\\.\\.(\\d+)\\]?$");

    static List<Row> fsmap(String out) {
        List<Row> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.find()) {
                continue;
            }
            String[] cols = m.group(3).trim().split("\\s{2,}");
            long fileFirst = -1;
            String owner = cols[0].trim();
            if (owner.matches("\\d+")) {
                // xfs_io prints an inode owner as its number, then "a..b" (the file offset, 512-byte
                // units) for data or "extent_map" for a block of the inode's extent btree
                String kind = "data";
                if (cols.length > 1) {
                    Matcher f = FILE_OFFSET.matcher(cols[1].trim());
                    if (f.find()) {
                        fileFirst = Long.parseLong(f.group(1));
                    } else if (cols[1].trim().equals("extent_map")) {
                        kind = "extent_map";
                    }
                }
                owner = "inode " + owner + " " + kind;
            }
            rows.add(new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), owner, fileFirst));
        }
        return rows;
    }

    private synchronized Geometry geometry(FsTarget fs) throws DmToolException {
        String key = fs.device() + " " + fs.mountPoint();
        Geometry g = geometries.get(key);
        if (g == null) {
            g = Geometry.parse(tools.run(Tool.XFS_SPACEMAN, List.of("-c", "info", fs.mountPoint())));
            geometries.put(key, g);
        }
        return g;
    }

    /** Sectors past the failing one a first GETFSMAP query covers (32 blocks of 4 KiB: few records). */
    static final long SHORT_WINDOW = 256;

    private void query(FsTarget fs, List<FsTarget.Request> requests, Row[] rows, long window) throws DmToolException {
        query(fs, requests, rows, window, null);
    }

    /** One xfs_io for all the requests: {@code fsmap -v -d S S+window} each (to the AG's end when window < 0). */
    private void query(FsTarget fs, List<FsTarget.Request> requests, Row[] rows, long window, Geometry g)
            throws DmToolException {
        List<String> args = new ArrayList<>(List.of("-r"));
        for (FsTarget.Request r : requests) {
            long end = r.sector() + window;
            if (window < 0) {
                long perAg = g.agSize() * (g.blockSize() / 512);
                end = (r.sector() / perAg + 1) * perAg - 1;
            }
            args.add("-c");
            args.add("fsmap -v -d " + r.sector() + " " + end);
        }
        args.add(fs.mountPoint());
        List<Row> all = fsmap(tools.run(Tool.XFS_IO, args));
        for (int i = 0; i < requests.size(); i++) {
            long s = requests.get(i).sector();
            for (Row row : all) {
                if (s >= row.first && s <= row.last) {
                    rows[i] = row;
                    break;
                }
            }
        }
    }

    private static final Pattern INODE_OWNER = Pattern.compile("^inode (\\d+) (\\S+)");

    List<Location> locate(FsTarget fs, List<FsTarget.Request> requests) {
        List<Location> out = new ArrayList<>();
        if (fs.mount() == null) {
            return db.locate(fs, requests);
        }
        Geometry g;
        Row[] rows = new Row[requests.size()];
        try {
            g = geometry(fs);
            query(fs, requests, rows, SHORT_WINDOW);
            // Free space is the gap before the next owned extent, and a range that ends inside the
            // gap may get no record for it (seen on 6.1): ask again up to the end of the AG.
            List<Integer> again = new ArrayList<>();
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] == null) {
                    again.add(i);
                }
            }
            if (!again.isEmpty()) {
                List<FsTarget.Request> rest = again.stream().map(requests::get).toList();
                Row[] more = new Row[rest.size()];
                query(fs, rest, more, -1, g);
                for (int k = 0; k < again.size(); k++) {
                    rows[again.get(k)] = more[k];
                }
            }
        } catch (DmToolException | RuntimeException e) {
            for (FsTarget.Request r : requests) {
                out.add(Location.unknown("xfs_io fsmap failed: " + e.getMessage(), r.chain()));
            }
            return out;
        }
        // inodes whose paths are wanted: owners of data, and the inode a sector's address encodes
        Set<Long> want = new LinkedHashSet<>();
        for (int i = 0; i < rows.length; i++) {
            Row row = rows[i];
            if (row == null) {
                continue;
            }
            Matcher m = INODE_OWNER.matcher(row.owner);
            if (m.find()) {
                want.add(Long.parseLong(m.group(1)));
            } else if (row.owner.equals("inodes") || row.owner.equals("unknown")) {
                want.add(g.inodeAt(requests.get(i).sector()));
            }
        }
        InodePaths.Found found = InodePaths.find(Path.of(fs.mountPoint()), want, WALK_ENTRIES, WALK_NANOS);
        // Without a reverse map, an allocated sector that is no inode slot: a file's data, or metadata
        List<Integer> unowned = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] != null && rows[i].owner.equals("unknown")
                    && !found.paths().containsKey(g.inodeAt(requests.get(i).sector()))) {
                unowned.add(i);
            }
        }
        // First the live mapping of every file (FIEMAP): right even while the log holds changes
        // that xfs_db cannot see; then xfs_db for what is no file's data (directories, btrees, log)
        Map<Integer, Location> fromFiles = new HashMap<>();
        FileDataSearch.Found data = FileDataSearch.find(Path.of(fs.mountPoint()),
                unowned.stream().map(i -> requests.get(i).sector() * 512).toList(), WALK_ENTRIES, WALK_NANOS);
        List<Integer> notData = new ArrayList<>();
        for (int i : unowned) {
            FsTarget.Request r = requests.get(i);
            FileDataSearch.Hit hit = data.hits().get(r.sector() * 512);
            if (hit == null) {
                notData.add(i);
                continue;
            }
            fromFiles.put(i, loc(fs, Location.Kind.FILE, hit.paths(), hit.inode(), hit.fileOffset(),
                    r.sector() * 512 / g.blockSize(), null,
                    hit.unwritten() ? "regular (FIEMAP; unwritten extent: reads give zeros)" : "regular (FIEMAP)", r));
        }
        String searched = "in no file's data that a path reaches (FIEMAP of " + data.files() + " files"
                + (data.complete() ? "" : data.failed() > 0 ? ", " + data.failed() + " unreadable" : ", the walk cut short")
                + ")";
        Map<Integer, Location> fromDb = new HashMap<>();
        if (!notData.isEmpty()) {
            List<Location> answers = db.locate(fs, notData.stream().map(requests::get).toList());
            for (int k = 0; k < notData.size(); k++) {
                fromDb.put(notData.get(k), answers.get(k));
            }
        }
        for (int i = 0; i < rows.length; i++) {
            if (fromFiles.containsKey(i)) {
                out.add(fromFiles.get(i));
                continue;
            }
            if (fromDb.containsKey(i)) {
                Location l = fromDb.get(i);
                if (l.kind() != Location.Kind.UNKNOWN) {
                    out.add(l);
                    continue;
                }
                FsTarget.Request r = requests.get(i);
                out.add(withBlock(fs, r, r.sector() * 512 / g.blockSize(), Location.Kind.UNSUPPORTED,
                        "allocated, " + searched + "; without a reverse map (rmapbt=0) GETFSMAP names no owner, and "
                                + l.detail()));
                continue;
            }
            FsTarget.Request r = requests.get(i);
            long block = r.sector() * 512 / g.blockSize();
            Row row = rows[i];
            if (row == null) {
                out.add(withBlock(fs, r, block, Location.Kind.UNKNOWN, "GETFSMAP returned no extent for sector " + r.sector()));
                continue;
            }
            Matcher m = INODE_OWNER.matcher(row.owner);
            if (m.find()) {
                long ino = Long.parseLong(m.group(1));
                List<String> paths = found.paths().getOrDefault(ino, List.of());
                boolean dir = paths.stream().anyMatch(p -> java.nio.file.Files.isDirectory(Path.of(p),
                        java.nio.file.LinkOption.NOFOLLOW_LINKS));
                if (dir) {
                    out.add(loc(fs, Location.Kind.METADATA, paths, ino, null, block, null, "directory", r));
                } else if (m.group(2).equals("data") && row.fileFirst >= 0) {
                    long offset = (row.fileFirst + (r.sector() - row.first)) * 512;
                    out.add(loc(fs, Location.Kind.FILE, paths, ino, offset, block, null,
                            paths.isEmpty() && !found.complete() ? "regular (no path: the walk of the mount was cut short)"
                                    : "regular", r));
                } else {
                    out.add(loc(fs, Location.Kind.METADATA, paths, ino, null, block, null,
                            m.group(2).equals("extent_map") ? "extent_tree" : "inode_" + m.group(2), r));
                }
                continue;
            }
            switch (row.owner) {
                case "free space" -> out.add(loc(fs, Location.Kind.FREE, null, null, null, block, null, "free", r));
                case "inodes", "unknown" -> {
                    long ino = g.inodeAt(r.sector());
                    List<String> paths = found.paths().get(ino);
                    if (paths != null || row.owner.equals("inodes")) {
                        out.add(loc(fs, Location.Kind.METADATA, paths, null, null, block, List.of(ino), "inode_table", r));
                    } else {
                        out.add(withBlock(fs, r, block, Location.Kind.UNSUPPORTED,
                                "allocated; without a reverse map (rmapbt=0) its owner is not searched"
                                        + (found.complete() ? "" : " (the path walk was cut short)")));
                    }
                }
                default -> out.add(loc(fs, Location.Kind.METADATA, null, null, null, block, null,
                        row.owner.replace(' ', '_'), r));
            }
        }
        return out;
    }

    private static Location loc(FsTarget fs, Location.Kind kind, List<String> paths, Long inode, Long offset,
                                Long block, List<Long> inodes, String detail, FsTarget.Request r) {
        return new Location(kind, "xfs", fs.path().toString(), fs.mountPoint(), paths, inode, offset, block, inodes,
                detail, r.chain());
    }

    private static Location withBlock(FsTarget fs, FsTarget.Request r, long block, Location.Kind kind, String why) {
        return new Location(kind, "xfs", fs.path().toString(), fs.mountPoint(), null, null, null, block, null, why, r.chain());
    }
}
