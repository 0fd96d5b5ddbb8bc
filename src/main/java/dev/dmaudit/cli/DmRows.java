package dev.dmaudit.cli;

import dev.dmaudit.dm.CryptTargetTable;
import dev.dmaudit.dm.DmDevice;
import dev.dmaudit.dm.DmInfo;
import dev.dmaudit.dm.DmStatusLine;
import dev.dmaudit.dm.DmTableLine;
import dev.dmaudit.dm.DmTargetVersion;
import dev.dmaudit.dm.DmVersion;
import dev.dmaudit.dm.IntegrityDeviceStatus;
import dev.dmaudit.dm.IntegrityDump;
import dev.dmaudit.dm.IntegrityTargetStatus;
import dev.dmaudit.dm.IntegrityTargetTable;
import dev.dmaudit.dm.LinearTargetTable;
import dev.dmaudit.dm.RawTargetStatus;
import dev.dmaudit.dm.RawTargetTable;
import dev.dmaudit.dm.TargetStatus;
import dev.dmaudit.dm.TargetTable;
import dev.dmaudit.dm.VerityTargetStatus;
import dev.dmaudit.dm.VerityTargetTable;
import java.util.Locale;

/** Turns dm results into {@link Row}s with stable snake_case field names (the JSON schema). */
final class DmRows {
    private DmRows() {
    }

    static Row version(DmVersion v) {
        return new Row().put("library", v.library()).put("driver", v.driver());
    }

    static Row target(DmTargetVersion t) {
        return new Row().put("target", t.name()).put("version", t.version());
    }

    static Row device(DmDevice d) {
        return new Row().put("name", d.name()).put("major", d.id().major()).put("minor", d.id().minor());
    }

    static Row info(DmInfo i) {
        return new Row().put("name", i.name()).put("major", i.id().major()).put("minor", i.id().minor())
                .put("attr", i.attributes()).put("live_table", i.liveTable()).put("inactive_table", i.inactiveTable())
                .put("suspended", i.suspended()).put("read_only", i.readOnly()).put("open", i.openCount())
                .put("segments", i.segments()).put("events", i.eventNumber()).put("uuid", i.uuid());
    }

    static Row table(DmTableLine l) {
        Row r = segment(l.device(), l.start(), l.length(), l.targetType());
        TargetTable t = l.target();
        if (t instanceof IntegrityTargetTable i) {
            r.put("device", i.device()).put("offset", i.offset()).put("tag_size", i.tagSize())
                    .put("mode", lower(i.mode())).put("options", i.options());
        } else if (t instanceof CryptTargetTable c) {
            r.put("cipher", c.cipher()).put("key", c.key()).put("iv_offset", c.ivOffset())
                    .put("device", c.device()).put("offset", c.offset()).put("options", c.options());
        } else if (t instanceof VerityTargetTable v) {
            r.put("version", v.version()).put("data_device", v.dataDevice()).put("hash_device", v.hashDevice())
                    .put("data_block_size", v.dataBlockSize()).put("hash_block_size", v.hashBlockSize())
                    .put("data_blocks", v.dataBlocks()).put("hash_start_block", v.hashStartBlock())
                    .put("algorithm", v.algorithm()).put("root_digest", v.rootDigest()).put("salt", v.salt())
                    .put("options", v.options());
        } else if (t instanceof LinearTargetTable lin) {
            r.put("device", lin.device()).put("offset", lin.offset());
        } else if (t instanceof RawTargetTable raw) {
            r.put("params", raw.params());
        }
        return r;
    }

    static Row status(DmStatusLine l) {
        Row r = segment(l.device(), l.start(), l.length(), l.targetType());
        TargetStatus s = l.status();
        if (s instanceof IntegrityTargetStatus i) {
            r.put("mismatches", i.mismatches()).put("provided_data_sectors", i.providedDataSectors())
                    .put("recalculate_position", i.recalculatePosition());
        } else if (s instanceof VerityTargetStatus v) {
            r.put("state", lower(v.state())).put("fec_corrected", v.fecCorrected());
        } else if (s instanceof RawTargetStatus raw) {
            r.put("params", raw.params());
        }
        return r;
    }

    static Row integrityStatus(IntegrityDeviceStatus s) {
        return new Row().put("path", s.path()).put("active", s.active()).put("in_use", s.inUse())
                .put("type", s.type()).put("tag_size", s.tagSize()).put("integrity", s.integrity())
                .put("device", s.device()).put("loop", s.loop()).put("sector_size", s.sectorSize())
                .put("size_sectors", s.sizeSectors()).put("mode", s.mode()).put("failures", s.failures())
                .put("journal_active", s.journal().active()).put("journal_size_bytes", s.journal().sizeBytes())
                .put("journal_watermark_percent", s.journal().watermarkPercent())
                .put("journal_commit_time_ms", s.journal().commitTimeMs());
    }

    static Row integrityDump(IntegrityDump d) {
        Row r = new Row().put("device", d.device()).put("superblock_version", d.superblockVersion())
                .put("tag_size", d.tagSize()).put("provided_data_sectors", d.providedDataSectors())
                .put("sector_size", d.sectorSize()).put("flags", d.flags());
        // The rest of the superblock as printed, so nothing the tool shows is lost.
        d.fields().forEach((k, v) -> {
            if (!r.fields().containsKey(k) && !k.equals("integrity_tag_size") && !k.equals("flags")) {
                r.put(k, v);
            }
        });
        return r;
    }

    private static Row segment(String name, long start, long length, String type) {
        return new Row().put("name", name).put("start", start).put("length", length).put("target", type);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
