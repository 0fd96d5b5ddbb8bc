package dev.dmaudit.event;

import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.DeviceNumber;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.RecordTypes;
import java.util.ArrayList;
import java.util.List;

/** Turns audit events into typed device-mapper events. */
final class DmEvents {
    private DmEvents() {
    }

    /**
     * @param event an audit event
     * @return the DM event, or null when the event holds no DM_CTRL/DM_EVENT record
     */
    public static DmEvent from(AuditEvent event) {
        List<DmRecord> dm = null;
        ProcessInfo process = null;
        for (AuditRecord r : event.records()) {
            boolean ctrl = r.type() == RecordTypes.DM_CTRL;
            if (!ctrl && r.type() != RecordTypes.DM_EVENT) {
                continue;
            }
            // The fields both kinds have are read at one place: half the code for the JIT to
            // compile, which counts in a decode of a few seconds (issue 15).
            AuditFields f = r.fields();
            String module = f.get("module");
            String op = f.get("op");
            DeviceNumber dev = DeviceNumber.parse(f.get("dev"));
            boolean success = f.getLong("res", 0) == 1;
            if (dm == null) {
                dm = new ArrayList<>(2);
            }
            if (ctrl) {
                dm.add(new DmControl(module, op, dev, f.get("error_msg"), success));
                if (process == null && f.has("pid")) {
                    process = process(f);
                }
            } else {
                dm.add(new DmData(module, op, dev, f.getLong("sector", -1), success));
            }
        }
        if (dm == null) {
            return null;
        }
        return new DmEvent(event.serial(), event.timeMillis(), dm, process, syscall(event), null);
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
