package dev.dmaudit.event;

import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.RecordTypes;
import java.util.ArrayList;
import java.util.List;

/** Turns audit events into typed device-mapper events. */
final class DmEvents {
    private static final AuditFields.Keys KEYS = new AuditFields.Keys("module", "op", "dev", "res", "error_msg", "pid", "sector");
    private static final int MODULE = 0;
    private static final int OP = 1;
    private static final int DEV = 2;
    private static final int RES = 3;
    private static final int ERROR_MSG = 4;
    private static final int PID = 5;
    private static final int SECTOR = 6;

    private DmEvents() {
    }

    /**
     * @param event an audit event
     * @return the DM event, or null when the event holds no DM_CTRL/DM_EVENT record
     */
    public static DmEvent from(AuditEvent event) {
        DmRecord first = null;
        List<DmRecord> more = null;
        ProcessInfo process = null;
        for (AuditRecord r : event.records()) {
            boolean ctrl = r.type() == RecordTypes.DM_CTRL;
            if (!ctrl && r.type() != RecordTypes.DM_EVENT) {
                continue;
            }
            // The fields both kinds have are read at one place: half the code for the JIT to
            // compile, which counts in a decode of a few seconds (issue 15). One pass finds them
            // all; module, op and device are a small vocabulary, made into strings once.
            AuditFields f = r.fields();
            int[] at = f.indexesOf(KEYS, new int[KEYS.size()]);
            String module = at[MODULE] < 0 ? null : f.word(at[MODULE]);
            String op = at[OP] < 0 ? null : f.word(at[OP]);
            DeviceNumber dev = at[DEV] < 0 ? null : device(f.word(at[DEV]));
            boolean success = at[RES] >= 0 && f.longValue(at[RES], 0) == 1;
            DmRecord rec;
            if (ctrl) {
                rec = new DmControl(module, op, dev, at[ERROR_MSG] < 0 ? null : f.word(at[ERROR_MSG]), success);
                if (process == null && at[PID] >= 0) {
                    process = process(f);
                }
            } else {
                rec = new DmData(module, op, dev, at[SECTOR] < 0 ? -1 : f.longValue(at[SECTOR], -1), success);
            }
            if (first == null) {
                first = rec;
            } else {
                if (more == null) {
                    more = new ArrayList<>(4);
                    more.add(first);
                }
                more.add(rec);
            }
        }
        if (first == null) {
            return null;
        }
        // One record (nearly every DM_EVENT): an immutable list of one, which DmEvent does not copy.
        return new DmEvent(event.serial(), event.timeMillis(), more == null ? List.of(first) : more, process,
                syscall(event), null);
    }

    /**
     * The device of the last text parsed, by identity: {@link AuditFields#word} gives the same
     * String for the same text, and a log names a few devices. Immutable, so a racing thread reads
     * a whole pair.
     */
    private record LastDevice(String text, DeviceNumber device) {
    }

    private static LastDevice lastDevice = new LastDevice("", null);

    private static DeviceNumber device(String text) {
        LastDevice last = lastDevice;
        if (last.text == text) {
            return last.device;
        }
        DeviceNumber d = DeviceNumber.parse(text);
        lastDevice = new LastDevice(text, d);
        return d;
    }

    private static ProcessInfo process(AuditFields f) {
        return new ProcessInfo(f.getLong("pid", -1), f.getLong("ppid", -1), f.getLong("uid", -1),
                f.getLong("auid", ProcessInfo.UNSET), f.getLong("ses", ProcessInfo.UNSET), f.get("tty"),
                f.get("comm"), f.get("exe"), f.get("subj"));
    }

    private static SyscallInfo syscall(AuditEvent event) {
        AuditRecord sc = event.first(RecordTypes.SYSCALL);
        AuditRecord pt = event.first(RecordTypes.PROCTITLE);
        if (sc == null && pt == null) {
            return null;
        }
        String proctitle = pt == null ? null : pt.get("proctitle");
        if (sc == null) {
            return new SyscallInfo(null, -1, false, 0, proctitle);
        }
        AuditFields f = sc.fields();
        return new SyscallInfo(f.get("arch"), (int) f.getLong("syscall", -1), "yes".equals(f.get("success")),
                f.getLong("exit", 0), proctitle);
    }
}
