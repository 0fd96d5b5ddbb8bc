package dev.dmaudit.event;

import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.RecordTypes;

/** Which records complete their event on arrival: those that never have companions. */
final class Standalone {
    private static final AuditFields.Keys KEYS = new AuditFields.Keys("sector", "pid");

    private Standalone() {
    }

    static boolean test(AuditRecord r) {
        int t = r.type();
        if (t == RecordTypes.DM_EVENT) {
            // Bio-level events (numeric sector) come from a kernel worker: fresh serial, no EOE.
            // Target-level ones (sector=?) are logged in the ioctl's syscall context: they share
            // the serial of the DM_CTRL/SYSCALL/EOE that follow, so they wait like any other.
            AuditFields f = r.fields();
            int[] at = f.indexesOf(KEYS, new int[2]);
            return at[0] >= 0 && !f.valueIs(at[0], "?") && at[1] < 0;
        }
        // User-space messages and the daemon-liveness probe are single records.
        return RecordTypes.isUserSpace(t) || t == RecordTypes.REPLACE;
    }
}
