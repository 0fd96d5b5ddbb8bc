package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.Uevent;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerityUeventsTest {
    private static Uevent u(String... kv) {
        List<String> keys = new java.util.ArrayList<>();
        List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            keys.add(kv[i]);
            values.add(kv[i + 1]);
        }
        return new Uevent("change", "/devices/virtual/block/dm-3", keys, values);
    }

    @Test
    void dataAndHashBlockErrorsBecomeVerifyDataAndVerifyMetadata() {
        Event d = VerityUevents.from(u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "0,123456789012", "MAJOR", "254", "MINOR", "3"), 7);
        assertThat(d.dm().first()).isEqualTo(new DmData("verity", "verify-data", new dev.dmaudit.record.DeviceNumber(254, 3), 123456789012L, false));
        assertThat(d.audit().timeMillis()).isEqualTo(7);
        assertThat(d.audit().completion()).isEqualTo(AuditEvent.Completion.STANDALONE);
        Event m = VerityUevents.from(u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "1,9", "MAJOR", "254", "MINOR", "3"), 7);
        assertThat(m.dm().first().op()).isEqualTo("verify-metadata");
        assertThat(m.dm().origin()).isEqualTo(DmEvent.Origin.UEVENT);
    }

    @Test
    void anythingElseIsNotAVerityEvent() {
        for (Uevent x : List.of(
                u("SUBSYSTEM", "block", "MAJOR", "254", "MINOR", "3"),
                u("SUBSYSTEM", "module", "DM_VERITY_ERR_BLOCK_NR", "0,1", "MAJOR", "254", "MINOR", "3"),
                u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "2,1", "MAJOR", "254", "MINOR", "3"),
                u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "0,", "MAJOR", "254", "MINOR", "3"),
                u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "0,-1", "MAJOR", "254", "MINOR", "3"),
                u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "01,1", "MAJOR", "254", "MINOR", "3"),
                u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "0,99999999999999999999", "MAJOR", "254", "MINOR", "3"),
                u("SUBSYSTEM", "block", "DM_VERITY_ERR_BLOCK_NR", "0,1", "MINOR", "3"))) {
            assertThat(VerityUevents.from(x, 0)).as(x.toString()).isNull();
        }
    }
}
