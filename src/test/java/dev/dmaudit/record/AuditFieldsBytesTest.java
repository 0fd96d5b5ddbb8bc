package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** keyBytes/valueBytes give exactly key(i)/value(i)'s bytes, or -1 where those are not the bytes as written. */
class AuditFieldsBytesTest {
    @Test
    void bytesAreTheStringsOrMinusOne() throws Exception {
        String line = "type=AVC msg=audit(1.000:1): avc:  denied  { read write } for pid=1 comm=\"a b\" "
                + "exe=2F62696E old auid=4294967295 new auid=0 name=\"caf\u00e9\" empty= res=1";
        AuditFields f = new AuditLogParser().parse(line.getBytes(StandardCharsets.UTF_8)).fields();
        byte[] buf = new byte[64];
        int seen = 0;
        for (int i = 0; i < f.size(); i++) {
            int k = f.keyBytes(i, buf);
            if (k >= 0) {
                assertThat(new String(buf, 0, k, StandardCharsets.UTF_8)).isEqualTo(f.key(i));
            } else {
                assertThat(f.key(i)).matches("old_auid|new_auid|seresult|seperms");
            }
            int v = f.valueBytes(i, buf);
            if (v >= 0) {
                assertThat(new String(buf, 0, v, StandardCharsets.UTF_8)).isEqualTo(f.value(i));
                seen++;
            } else {
                assertThat(f.key(i)).matches("exe|seperms");
            }
        }
        assertThat(seen).isEqualTo(f.size() - 2);
        assertThat(f.valueBytes(f.indexOf("comm"), new byte[2])).as("does not fit").isEqualTo(-1);
    }

    @Test
    void valueIsComparesWithTheValueNotTheBytes() {
        String line = "type=AVC msg=audit(1.000:1): avc:  denied  { read write } for pid=1 comm=\"a b\" "
                + "exe=2F62696E name=\"caf\u00e9\" q=\"?\" s=? empty= res=1";
        AuditFields f = new AuditLogParser().parse(line.getBytes(StandardCharsets.UTF_8)).fields();
        String[] probes = {"", "?", "1", "a b", "/bin", "2F62696E", "read,write", "read write", "denied", "caf", "cafe"};
        for (int i = 0; i < f.size(); i++) {
            for (String p : probes) {
                assertThat(f.valueIs(i, p)).as("%s vs %s", f.key(i), p).isEqualTo(f.value(i).equals(p));
            }
        }
        assertThat(f.valueIs(f.indexOf("exe"), "/bin")).isTrue();
        assertThat(f.valueIs(f.indexOf("q"), "?")).isTrue();
    }
}
