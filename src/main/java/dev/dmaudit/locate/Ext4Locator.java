package dev.dmaudit.locate;

import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.Tool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ext2/3/4 through e2fsprogs, read-only and on a mounted filesystem too (debugfs without -w opens
 * the device read-only). Per burst and filesystem at most three processes whatever the number of
 * sectors: {@code dumpe2fs} once per filesystem generation (the static layout), one {@code debugfs}
 * with {@code icheck B1 B2 …} and a {@code testb} per block, one {@code debugfs} with a
 * {@code stat} per owning inode and a final {@code ncheck -c} for every path of those inodes.
 *
 * <p>What a block is: static metadata from the layout (superblock, group descriptors, reserved
 * GDT, bitmaps, inode table — with the inodes stored in the failing sector); else the inode icheck
 * names (the journal inode: journal; a directory: directory; a tree block of the inode's map:
 * extent_tree; a data run: file data with the byte offset); else free when {@code testb} says the
 * block is not in use (also when icheck failed: the bitmap does not need the inode scan); else
 * UNKNOWN (allocated, no owner found), never a guess.
 */
final class Ext4Locator {
    /** First non-reserved inode of every ext2/3/4 made by mke2fs (s_first_ino is 11). */
    private static final long FIRST_INO = 11;
    /** Blocks per icheck (inodes per ncheck) command: debugfs reads command lines into a fixed buffer. */
    private static final int ICHECK_CHUNK = 128;
    /** Owning inodes examined per burst; more are reported UNKNOWN, not searched. */
    static final int MAX_INODES = Locator.MAX_PER_CALL;
    /** Bounds of the directory walk that names inodes ncheck could not (see InodePaths). */
    private static final long WALK_ENTRIES = 2_000_000;
    private static final long WALK_NANOS = 10_000_000_000L;

    private final Tools tools;
    private final Map<String, Ext4Layout> layouts = new LinkedHashMap<>();

    Ext4Locator(Tools tools) {
        this.tools = tools;
    }

    /** Forgets the layouts (a table or mount change: a new mkfs may sit there now). */
    synchronized void invalidate() {
        layouts.clear();
    }

    private synchronized Ext4Layout layout(FsTarget fs) throws DmToolException {
        String key = fs.device() + " " + fs.path();
        Ext4Layout l = layouts.get(key);
        if (l == null) {
            l = Ext4Layout.parse(tools.run(Tool.DUMPE2FS, List.of(fs.path().toString())));
            layouts.put(key, l);
        }
        return l;
    }

    List<Location> locate(FsTarget fs, List<FsTarget.Request> requests) {
        List<Location> out = new ArrayList<>(requests.size());
        Ext4Layout layout;
        try {
            layout = layout(fs);
        } catch (DmToolException | RuntimeException e) {
            for (FsTarget.Request r : requests) {
                out.add(Location.unknown("dumpe2fs failed: " + e.getMessage(), r.chain()));
            }
            return out;
        }
        long bs = layout.blockSize();
        // 1. static metadata needs no tool; the rest goes to one icheck + testb run
        Set<Long> ask = new LinkedHashSet<>();
        for (FsTarget.Request r : requests) {
            long block = r.sector() * 512 / bs;
            if (block < layout.blockCount() && layout.rangeOf(block) == null) {
                ask.add(block);
            }
        }
        Map<Long, Long> owner = new LinkedHashMap<>();
        Map<Long, Boolean> inUse = new LinkedHashMap<>();
        String failure = null;
        String icheckError = null;
        if (!ask.isEmpty()) {
            List<String> cmds = new ArrayList<>();
            List<Long> blocks = new ArrayList<>(ask);
            for (int i = 0; i < blocks.size(); i += ICHECK_CHUNK) {
                StringBuilder c = new StringBuilder("icheck");
                for (Long b : blocks.subList(i, Math.min(blocks.size(), i + ICHECK_CHUNK))) {
                    c.append(' ').append(b);
                }
                cmds.add(c.toString());
            }
            for (Long b : blocks) {
                cmds.add("testb " + b);
            }
            try {
                dev.dmaudit.dm.CommandResult res = tools.debugfs(fs.path(), cmds);
                icheckError = firstLine(res.stderr(), "icheck");
                for (Map.Entry<String, String> s : DebugfsOutput.sections(res.stdout())) {
                    if (s.getKey().startsWith("icheck")) {
                        owner.putAll(DebugfsOutput.icheck(s.getValue()));
                    } else if (s.getKey().startsWith("testb ")) {
                        Boolean u = DebugfsOutput.testb(s.getValue());
                        if (u != null) {
                            inUse.put(Long.parseLong(s.getKey().substring(6).trim()), u);
                        }
                    }
                }
            } catch (DmToolException | RuntimeException e) {
                failure = "debugfs failed: " + e.getMessage();
            }
        }
        // 2. the inodes: owners of blocks, and those stored in failing inode-table sectors
        Set<Long> inodes = new LinkedHashSet<>();
        for (FsTarget.Request r : requests) {
            long block = r.sector() * 512 / bs;
            Ext4Layout.Range range = layout.rangeOf(block);
            if (range != null && range.kind().equals("inode_table")) {
                inodes.addAll(layout.inodesInSector(range, block, r.sector() * 512 % bs));
            } else {
                Long ino = owner.get(block);
                if (ino != null && ino > 0) {
                    inodes.add(ino);
                }
            }
        }
        Map<Long, DebugfsOutput.Stat> stats = new LinkedHashMap<>();
        Map<Long, List<String>> paths = new LinkedHashMap<>();
        if (!inodes.isEmpty() && failure == null) {
            List<Long> list = new ArrayList<>(inodes).subList(0, Math.min(inodes.size(), MAX_INODES));
            List<String> cmds = new ArrayList<>();
            for (Long i : list) {
                if (owner.containsValue(i)) {
                    cmds.add("stat <" + i + ">");
                }
            }
            // last: their output holds names (DebugfsOutput); chunked like icheck (line buffer)
            for (int k = 0; k < list.size(); k += ICHECK_CHUNK) {
                StringBuilder nc = new StringBuilder("ncheck -c");
                for (Long i : list.subList(k, Math.min(list.size(), k + ICHECK_CHUNK))) {
                    nc.append(' ').append(i);
                }
                cmds.add(nc.toString());
            }
            try {
                for (Map.Entry<String, String> s : DebugfsOutput.sections(tools.debugfs(fs.path(), cmds).stdout())) {
                    if (s.getKey().startsWith("stat <")) {
                        String n = s.getKey().substring(6, s.getKey().indexOf('>'));
                        stats.put(Long.parseLong(n), DebugfsOutput.stat(s.getValue()));
                    } else if (s.getKey().startsWith("ncheck")) {
                        paths.putAll(DebugfsOutput.ncheck(s.getValue()));
                    }
                }
            } catch (DmToolException | RuntimeException e) {
                failure = "debugfs failed: " + e.getMessage();
            }
        }
        // Inodes of failing inode-table sectors that ncheck did not name (it stops at an unreadable
        // inode-table block): the mounted tree's directory entries name them (InodePaths).
        Map<Long, List<String>> walked = Map.of();
        if (fs.mount() != null) {
            Set<Long> missing = new LinkedHashSet<>();
            for (FsTarget.Request r : requests) {
                long block = r.sector() * 512 / bs;
                Ext4Layout.Range range = layout.rangeOf(block);
                if (range != null && range.kind().equals("inode_table")) {
                    for (Long i : layout.inodesInSector(range, block, r.sector() * 512 % bs)) {
                        if (!paths.containsKey(i)) {
                            missing.add(i);
                        }
                    }
                }
            }
            if (!missing.isEmpty()) {
                walked = InodePaths.find(java.nio.file.Path.of(fs.mountPoint()), missing, WALK_ENTRIES,
                        WALK_NANOS).paths();
            }
        }
        for (FsTarget.Request r : requests) {
            out.add(classify(fs, layout, r, owner, inUse, stats, paths, walked, failure, icheckError));
        }
        return out;
    }

    private Location classify(FsTarget fs, Ext4Layout layout, FsTarget.Request r, Map<Long, Long> owner,
                              Map<Long, Boolean> inUse, Map<Long, DebugfsOutput.Stat> stats,
                              Map<Long, List<String>> paths, Map<Long, List<String>> walked, String failure,
                              String icheckError) {
        long bs = layout.blockSize();
        long block = r.sector() * 512 / bs;
        long inBlock = r.sector() * 512 % bs;
        if (block >= layout.blockCount()) {
            return loc(fs, Location.Kind.OUTSIDE, null, null, null, null, null,
                    "past the end of the filesystem (block count " + layout.blockCount() + ")", r);
        }
        Ext4Layout.Range range = layout.rangeOf(block);
        if (range != null) {
            if (range.kind().equals("inode_table")) {
                List<Long> stored = layout.inodesInSector(range, block, inBlock);
                List<String> p = new ArrayList<>();
                for (Long i : stored) {
                    p.addAll(paths.containsKey(i) ? fs.userPaths(i, paths.get(i)) : walked.getOrDefault(i, List.of()));
                }
                return loc(fs, Location.Kind.METADATA, p, null, null, block, stored, "inode_table", r);
            }
            return loc(fs, Location.Kind.METADATA, null, null, null, block, null, range.kind(), r);
        }
        if (failure != null) {
            return withBlock(Location.unknown(failure, r.chain()), fs, block);
        }
        Long ino = owner.get(block);
        if (ino == null) {
            // icheck scans every inode: an unreadable (or checksum-damaged) inode-table block
            // anywhere ends the scan, and e2fsprogs has no way to skip it. The block bitmap is read
            // on its own (testb): a block it marks free is free whatever the inodes say. An
            // allocated block's owner may be an inode that cannot be read, so it stays unknown.
            Boolean used = inUse.get(block);
            if (Boolean.FALSE.equals(used)) {
                return loc(fs, Location.Kind.FREE, null, null, null, block, null, "free", r);
            }
            String why = icheckError == null ? "" : ": " + icheckError;
            return withBlock(Location.unknown(Boolean.TRUE.equals(used)
                    ? "allocated; its owner was not found: debugfs icheck could not scan every inode" + why
                    + " (an inode-table block is unreadable or damaged; the owner may be an inode stored there)"
                    : "debugfs icheck gave no answer for block " + block + why, r.chain()), fs, block);
        }
        if (ino == 0) {
            Boolean used = inUse.get(block);
            if (Boolean.FALSE.equals(used)) {
                return loc(fs, Location.Kind.FREE, null, null, null, block, null, "free", r);
            }
            return withBlock(Location.unknown(used == null ? "not owned by an inode; allocation unknown"
                    : "allocated, but no inode owns it", r.chain()), fs, block);
        }
        List<String> p = fs.userPaths(ino, paths.getOrDefault(ino, List.of()));
        if (ino == layout.journalInode()) {
            return loc(fs, Location.Kind.METADATA, null, ino, null, block, null, "journal", r);
        }
        if (ino < FIRST_INO && ino != 2) {
            return loc(fs, Location.Kind.METADATA, null, ino, null, block, null, "reserved_inode_" + ino, r);
        }
        DebugfsOutput.Stat st = stats.get(ino);
        if (st == null) {
            return withBlock(Location.unknown("inode " + ino + " owns the block; its map was not read", r.chain()), fs, block);
        }
        if (st.fileAcl() == block) {
            return loc(fs, Location.Kind.METADATA, p, ino, null, block, null, "xattr_block", r);
        }
        DebugfsOutput.Run run = st.find(block);
        if (run == null) {
            return withBlock(Location.unknown("inode " + ino + " owns the block but its map does not list it", r.chain()), fs, block);
        }
        if (run.label() != null) {
            return loc(fs, Location.Kind.METADATA, p, ino, null, block, null,
                    run.label().startsWith("ETB") ? "extent_tree" : "indirect_block", r);
        }
        if ("directory".equals(st.type())) {
            return loc(fs, Location.Kind.METADATA, p, ino, null, block, null, "directory", r);
        }
        long offset = (run.logical() + (block - run.physical())) * bs + inBlock;
        return loc(fs, Location.Kind.FILE, p, ino, offset, block, null, st.type(), r);
    }

    /** @return the first stderr line naming the command (debugfs: "icheck: … while …"), or null */
    private static String firstLine(String stderr, String command) {
        for (String line : stderr.split("\n")) {
            if (line.startsWith(command + ":")) {
                return line.strip();
            }
        }
        return null;
    }

    private static Location loc(FsTarget fs, Location.Kind kind, List<String> paths, Long inode, Long offset,
                                Long block, List<Long> inodes, String detail, FsTarget.Request r) {
        return new Location(kind, fs.type(), fs.path().toString(), fs.mountPoint(), paths, inode, offset, block,
                inodes, detail, r.chain());
    }

    private static Location withBlock(Location u, FsTarget fs, long block) {
        return new Location(u.kind(), fs.type(), fs.path().toString(), fs.mountPoint(), null, null, null, block,
                null, u.detail(), u.chain());
    }
}
