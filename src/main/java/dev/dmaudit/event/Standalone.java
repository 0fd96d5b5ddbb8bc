package dev.dmaudit.event;

import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.RecordTypes;

/** Which records complete their event on arrival: those that never have companions. */
final class Standalone {
    private Standalone() {
    }

    static boolean test(AuditRecord r) {
        int t = r.type();
        if (t == RecordTypes.DM_EVENT) {
            // Bio-level events (numeric sector) come from a kernel worker: fresh serial, no EOE.
            // Target-level ones (sector=?) are logged in the ioctl's syscall context: they share
            // the serial of the DM_CTRL/SYSCALL/EOE that follow, so they wait like any other.
            AuditFields f = r.fields();
            int sector = f.indexOf("sector");
            return sector >= 0 && !f.valueIs(sector, "?") && !f.has("pid");
        }
        // User-space messages and the daemon-liveness probe are single records.
        return RecordTypes.isUserSpace(t) || t == RecordTypes.REPLACE;
    }
}
