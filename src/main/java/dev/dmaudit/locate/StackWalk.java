package dev.dmaudit.locate;

import dev.dmaudit.dm.CryptTargetTable;
import dev.dmaudit.dm.DmTableLine;
import dev.dmaudit.dm.DmToolException;
import dev.dmaudit.dm.LinearTargetTable;
import dev.dmaudit.dm.VerityTargetTable;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * From the device and sector a DM_EVENT names, up through the devices stacked on it to the top one
 * (the device that carries a filesystem), translating the sector at each level from the holder's
 * table. Which device and which unit the kernel reports depends on the op (read from the targets'
 * sources, measured on Debian's 6.1 kernel: docs/locate.md):
 * <ul>
 *   <li>{@code integrity-checksum}: the dm-integrity device itself, its logical 512-byte sector
 *       (the sector of its data, not of the backing device); in inline mode (6.11+, table mode
 *       {@code I}) the device UNDER the dm-integrity device, still with the dm device's logical
 *       sector (measured on 6.12): the walk starts at that holder when exactly one holds it;</li>
 *   <li>{@code integrity-aead} (dm-crypt over dm-integrity): the integrity ({@code _dif}) device
 *       UNDER the crypt device, and a sector of the crypt target (relative to the target's start);</li>
 *   <li>{@code verify-data} and {@code verify-metadata} (dm-verity, audit record, 6.12): the DATA
 *       device (a loop device, say) and a DATA block number in data-block units — for
 *       {@code verify-metadata} too: it names the data block whose read needed the corrupt hash
 *       block (measured, docs/kernel-facts.md);</li>
 *   <li>dm-verity's uevent ({@code DM_VERITY_ERR_BLOCK_NR}, the only report on 6.1, and in logging
 *       mode): the verity device itself; type 0 ({@code verify-data}) a data block, type 1
 *       ({@code verify-metadata}) a hash-device block (superblock included): outside the data;</li>
 *   <li>target-level ops ({@code sector=?}): no location.</li>
 * </ul>
 * Followed upwards: linear (LVM), crypt, verity segments. Any other holder target ends the walk as
 * UNSUPPORTED: its mapping is not a plain offset, and a guess would name the wrong file.
 */
final class StackWalk {
    /** A device tree deeper than this is not a real stack. */
    private static final int MAX_DEPTH = 16;

    /** How the tables are read: dmsetup in production, a recorded table in tests. */
    interface Tables {
        List<DmTableLine> table(DeviceNumber device) throws DmToolException;
    }

    /**
     * The walk's end: {@code top} with the chain to it, or a final location when the sector left
     * the stack (outside any filesystem, an unsupported target, a failure).
     */
    record Result(List<Location.Step> chain, DeviceNumber top, Location terminal) {
    }

    private final SysBlock sys;
    private final Tables tables;

    StackWalk(SysBlock sys, Tables tables) {
        this.sys = sys;
        this.tables = tables;
    }

    /**
     * @param device the device the record names
     * @param op     the record's op; null for a plain 512-byte sector of {@code device}
     * @param sector the record's sector field (negative: none)
     * @param uevent the report is dm-verity's uevent (the verity device and its block), not an audit record
     * @return where the walk ended
     */
    Result up(DeviceNumber device, String op, long sector, boolean uevent) {
        List<Location.Step> chain = new ArrayList<>();
        if (sector < 0) {
            return end(chain, "no sector: the op " + op + " concerns the whole target");
        }
        if (!sys.exists(device)) {
            return end(chain, "device " + device + " does not exist (any more)");
        }
        DeviceNumber cur = device;
        long s = sector;
        try {
            String how = op == null ? "" : op;
            if (uevent && how.startsWith("verify-")) {
                how = "uevent-" + how;
            }
            switch (how) {
                case "integrity-aead" -> {
                    // The _dif device under the crypt device is named; the sector is the crypt target's.
                    Hop h = holderOfType(device, "crypt");
                    if (h == null) {
                        return end(chain, "integrity-aead on " + device + ": no crypt device holds it");
                    }
                    CryptTargetTable c = (CryptTargetTable) h.line.target();
                    chain.add(step(device, "integrity", sector + c.offset()));
                    cur = h.holder;
                    s = h.line.start() + sector;
                    chain.add(step(cur, "crypt", s));
                }
                case "verify-data", "verify-metadata" -> {
                    // the audit record: the data device and a data block (for verify-metadata the
                    // block whose read needed the corrupt hash block: that data cannot be read)
                    Hop h = holderOfType(device, "verity");
                    if (h == null) {
                        return end(chain, op + " on " + device + ": no verity device uses it as its data device");
                    }
                    VerityTargetTable v = (VerityTargetTable) h.line.target();
                    long dataSector = sector * (v.dataBlockSize() / 512);
                    chain.add(step(device, null, dataSector));
                    cur = h.holder;
                    s = h.line.start() + dataSector;
                    chain.add(step(cur, "verity", s));
                }
                case "uevent-verify-data" -> {
                    // the uevent: the verity device itself and a data block of its data device
                    DmTableLine line = verityLine(device);
                    if (line == null) {
                        return end(chain, "verity uevent on " + device + ": it has no verity table");
                    }
                    VerityTargetTable v = (VerityTargetTable) line.target();
                    long dataSector = sector * (v.dataBlockSize() / 512);
                    DeviceNumber data = DeviceNumber.parse(v.dataDevice());
                    if (data != null) {
                        chain.add(step(data, null, dataSector));
                    }
                    s = line.start() + dataSector;
                    chain.add(step(device, "verity", s));
                }
                case "uevent-verify-metadata" -> {
                    // a block of the hash device, counted from its start (superblock included)
                    DmTableLine line = verityLine(device);
                    if (line == null) {
                        return end(chain, "verity uevent on " + device + ": it has no verity table");
                    }
                    VerityTargetTable v = (VerityTargetTable) line.target();
                    DeviceNumber hash = DeviceNumber.parse(v.hashDevice());
                    if (hash != null) {
                        chain.add(step(hash, null, sector * (v.hashBlockSize() / 512)));
                    }
                    return new Result(chain, null, new Location(Location.Kind.OUTSIDE, null, null, null, null, null,
                            null, null, null, "verity_hash_tree (hash-device block " + sector + " of "
                            + sys.displayName(device) + ")", chain));
                }
                case "integrity-checksum" -> {
                    if (integrityLine(device) != null) {
                        chain.add(step(device, "integrity", sector));
                    } else {
                        // 6.11+ inline mode ('I'): the record names the device UNDER dm-integrity,
                        // with the dm device's logical sector (measured on 6.12: docs/kernel-facts.md)
                        List<Hop> inline = inlineIntegrityHolders(device);
                        if (inline.size() == 1) {
                            Hop h = inline.get(0);
                            chain.add(new Location.Step(device.toString(), sys.displayName(device), null, sector,
                                    "the kernel named the device below " + sys.displayName(h.holder)
                                            + " (dm-integrity in inline mode); the sector is the dm device's"));
                            cur = h.holder;
                            s = h.line.start() + sector;
                            chain.add(step(cur, "integrity", s));
                        } else {
                            String why = inline.isEmpty()
                                    ? "not a dm-integrity device, and no dm-integrity device in inline mode holds it:"
                                    + " the sector is taken as its own"
                                    : "held by " + inline.size() + " dm-integrity devices in inline mode ("
                                    + String.join(", ", inline.stream().map(x -> sys.displayName(x.holder)).toList())
                                    + "): which one reported is not known; the sector is taken as its own";
                            chain.add(new Location.Step(device.toString(), sys.displayName(device),
                                    targetAt(device, sector), sector, why));
                        }
                    }
                }
                case "" -> {
                    // a plain 512-byte sector of the device: show the devices under it too
                    chain.addAll(down(device, sector));
                    chain.add(step(device, targetAt(device, sector), sector));
                }
                default -> {
                    return end(chain, "op " + op + ": its sector unit is not known");
                }
            }
            for (int depth = 0; depth < MAX_DEPTH; depth++) {
                List<DeviceNumber> holders = sys.holders(cur);
                if (holders.isEmpty()) {
                    return new Result(chain, cur, null);
                }
                List<Hop> mapping = new ArrayList<>();
                String unsupported = null;
                for (DeviceNumber h : holders) {
                    for (DmTableLine line : tables.table(h)) {
                        long off;
                        String under;
                        if (line.target() instanceof LinearTargetTable l) {
                            off = l.offset();
                            under = l.device();
                        } else if (line.target() instanceof CryptTargetTable c) {
                            off = c.offset();
                            under = c.device();
                        } else if (line.target() instanceof VerityTargetTable v) {
                            off = 0;
                            under = v.dataDevice();
                        } else {
                            if (unsupported == null) {
                                unsupported = line.targetType() + " (" + sys.displayName(h) + ")";
                            }
                            continue;
                        }
                        if (!sameDevice(under, cur)) {
                            continue;
                        }
                        if (line.target() instanceof CryptTargetTable && s < off) {
                            return new Result(chain, null, new Location(Location.Kind.OUTSIDE, null, null, null, null,
                                    null, null, null, null, "before the crypt data of " + sys.displayName(h)
                                    + " (LUKS header)", chain));
                        }
                        if (s >= off && s < off + line.length()) {
                            mapping.add(new Hop(h, line, line.start() + (s - off)));
                        }
                    }
                }
                if (mapping.size() > 1) {
                    return end(chain, "sector " + s + " of " + cur + " is mapped by " + mapping.size() + " devices");
                }
                if (mapping.isEmpty()) {
                    if (unsupported != null) {
                        return new Result(chain, null, new Location(Location.Kind.UNSUPPORTED, null, null, null, null,
                                null, null, null, null, "held by a target not followed: " + unsupported, chain));
                    }
                    boolean lvm = holders.stream().map(sys::dmUuid).anyMatch(u -> u != null && u.startsWith("LVM-"));
                    return new Result(chain, null, new Location(Location.Kind.OUTSIDE, null, null, null, null, null,
                            null, null, null, lvm ? "lvm_unmapped (LVM metadata or unallocated extents)"
                            : "not mapped by the devices holding " + sys.displayName(cur), chain));
                }
                Hop hop = mapping.get(0);
                cur = hop.holder;
                s = hop.sector;
                chain.add(step(cur, hop.line.targetType(), s));
            }
            return end(chain, "device stack deeper than " + MAX_DEPTH);
        } catch (IOException | DmToolException | RuntimeException e) {
            return end(chain, "cannot read the device stack: " + e.getMessage());
        }
    }

    private record Hop(DeviceNumber holder, DmTableLine line, long sector) {
    }

    /**
     * The walk the other way, for a sector given on the filesystem's own device ({@code dmaudit
     * locate PATH SECTOR}): down through the device's table while it is an offset (linear, crypt, verity),
     * to the device where the kernel would report a failure of that sector (verity: its data device,
     * where the audit record names a data block, the chain gives its sector). It stops at a
     * dm-integrity device (its logical sector is what integrity-checksum reports; the placement on
     * the backing device interleaves tags) and at anything that is not a dm device or not an offset.
     *
     * @param top    the device a filesystem is on
     * @param sector a 512-byte sector of it
     * @return the steps below {@code top}, lowest first (empty when none)
     */
    List<Location.Step> down(DeviceNumber top, long sector) {
        List<Location.Step> below = new ArrayList<>();
        DeviceNumber cur = top;
        long s = sector;
        try {
            for (int depth = 0; depth < MAX_DEPTH && sys.dmName(cur) != null; depth++) {
                DmTableLine seg = null;
                for (DmTableLine line : tables.table(cur)) {
                    if (s >= line.start() && s < line.start() + line.length()) {
                        seg = line;
                        break;
                    }
                }
                String under;
                long off;
                if (seg != null && seg.target() instanceof LinearTargetTable l) {
                    under = l.device();
                    off = l.offset();
                } else if (seg != null && seg.target() instanceof CryptTargetTable c) {
                    under = c.device();
                    off = c.offset();
                } else if (seg != null && seg.target() instanceof VerityTargetTable v) {
                    under = v.dataDevice(); // data block N is bytes N × size of both devices
                    off = 0;
                } else {
                    break;
                }
                DeviceNumber lower = DeviceNumber.parse(under);
                s = off + (s - seg.start());
                cur = lower;
                below.add(0, step(lower, targetAt(lower, s), s));
            }
        } catch (DmToolException | RuntimeException e) {
            // what was walked stands; the chain only shows less
        }
        return below;
    }

    /** @return the verity segment of {@code dev}'s own table, or null */
    private DmTableLine verityLine(DeviceNumber dev) throws DmToolException {
        if (sys.dmName(dev) == null) {
            return null;
        }
        for (DmTableLine line : tables.table(dev)) {
            if (line.target() instanceof VerityTargetTable) {
                return line;
            }
        }
        return null;
    }

    /** @return the integrity segment of {@code dev}'s own table, or null (not a dm-integrity device) */
    private DmTableLine integrityLine(DeviceNumber dev) throws DmToolException {
        if (sys.dmName(dev) == null) {
            return null;
        }
        for (DmTableLine line : tables.table(dev)) {
            if (line.targetType().equals("integrity")) {
                return line;
            }
        }
        return null;
    }

    /**
     * The holders of {@code dev} that are dm-integrity targets in inline mode over it: table
     * {@code DEV OFFSET TAG_SIZE I N opts…}, read from the parameters so that a mode the table
     * parser does not decode still counts.
     */
    private List<Hop> inlineIntegrityHolders(DeviceNumber dev) throws IOException, DmToolException {
        List<Hop> found = new ArrayList<>();
        for (DeviceNumber h : sys.holders(dev)) {
            for (DmTableLine line : tables.table(h)) {
                List<String> p = line.target().params();
                if (line.targetType().equals("integrity") && p.size() > 3 && p.get(3).equals("I")
                        && sameDevice(p.get(0), dev)) {
                    found.add(new Hop(h, line, 0));
                }
            }
        }
        return found;
    }

    private Hop holderOfType(DeviceNumber dev, String type) throws IOException, DmToolException {
        for (DeviceNumber h : sys.holders(dev)) {
            for (DmTableLine line : tables.table(h)) {
                if (line.targetType().equals(type)) {
                    return new Hop(h, line, 0);
                }
            }
        }
        return null;
    }

    /** @return the target type of the segment holding the sector, or null (not a dm device, no table) */
    private String targetAt(DeviceNumber d, long sector) {
        if (sys.dmName(d) == null) {
            return null;
        }
        try {
            for (DmTableLine line : tables.table(d)) {
                if (sector >= line.start() && sector < line.start() + line.length()) {
                    return line.targetType();
                }
            }
        } catch (DmToolException | RuntimeException e) {
            // unknown: the step shows no target
        }
        return null;
    }

    private static boolean sameDevice(String tableDevice, DeviceNumber d) {
        try {
            return DeviceNumber.parse(tableDevice).equals(d);
        } catch (RuntimeException e) {
            return false; // dmsetup prints MAJ:MIN; anything else is not this device
        }
    }

    private Location.Step step(DeviceNumber d, String target, long sector) {
        return new Location.Step(d.toString(), sys.displayName(d), target, sector);
    }

    private static Result end(List<Location.Step> chain, String why) {
        return new Result(chain, null, Location.unknown(why, chain));
    }
}
