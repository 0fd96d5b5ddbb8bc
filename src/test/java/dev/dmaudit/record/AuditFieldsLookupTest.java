package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one-pass lookups the device-mapper typing uses agree with the one-key-at-a-time ones on
 * every record of the real logs: indexesOf with indexOf, word and longValue with value and getLong.
 */
class AuditFieldsLookupTest {
    private static final String[] KEYS = {"module", "op", "dev", "res", "sector", "pid", "old_auid", "new_auid",
        "seresult", "seperms", "exe", "proctitle", "msg", "a0", "absent", "", "comm",
        "a_key_longer_than_thirty_one_bytes", "caf\u00e9"};

    @Test
    void indexesOfWordAndLongValueAgreeWithTheSingleLookupsOnRealLogs() throws Exception {
        List<AuditFields> all = new ArrayList<>();
        AuditLogParser parser = new AuditLogParser();
        // The public logs and the kernel captures (DM_CTRL with its task, DM_EVENT, SYSCALL, PATH, …).
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                for (String line : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                    try {
                        all.add(parser.parse(line.getBytes(StandardCharsets.ISO_8859_1)).fields());
                    } catch (MalformedRecordException e) {
                        // a line that is not a record has no fields to look up
                    }
                }
            }
        }
        all.add(parser.parse("type=DM_EVENT msg=audit(1.001:7): module=integrity op=integrity-checksum dev=254:0 sector=20008 res=0")
                .fields());
        all.add(parser.parse("type=USER msg=audit(1.001:8): pid=1 pid=2 old auid=4 new auid=5 res=x exe=2F62696E").fields());
        all.add(parser.parse("type=USER msg=audit(1.001:9): a_key_longer_than_thirty_one_bytes=1 comm=x").fields());
        assertThat(all).hasSizeGreaterThan(350);
        AuditFields.Keys keys = new AuditFields.Keys(KEYS);
        int[] at = new int[keys.size() + 2];
        at[keys.size()] = 42; // beyond the keys: left alone
        long words = 0;
        for (AuditFields f : all) {
            f.indexesOf(keys, at);
            for (int k = 0; k < KEYS.length; k++) {
                assertThat(at[k]).as("%s in %s", KEYS[k], f.asList()).isEqualTo(f.indexOf(KEYS[k]));
            }
            assertThat(at[keys.size()]).isEqualTo(42);
            for (int i = 0; i < f.size(); i++) {
                assertThat(f.word(i)).isEqualTo(f.value(i));
                if (f.indexOf(f.key(i)) == i) { // getLong reads a key's first field
                    assertThat(f.longValue(i, -7)).isEqualTo(f.getLong(f.key(i), -7));
                }
                words++;
            }
        }
        assertThat(words).isGreaterThan(3_000);
    }

    @Test
    void aWordIsMadeOncePerTextAndNumbersAreParsedAsGetLongDoes() {
        AuditLogParser parser = new AuditLogParser();
        AuditFields a = parser.parse("type=DM_EVENT msg=audit(1.001:7): module=integrity sector=-12 res=? x=1a big=12345678901234567890")
                .fields();
        AuditFields b = parser.parse("type=DM_EVENT msg=audit(1.002:8): module=integrity").fields();
        assertThat(b.word(0)).isSameAs(a.word(0)).isEqualTo("integrity");
        assertThat(a.longValue(1, 0)).isEqualTo(-12);
        assertThat(a.longValue(2, 5)).as("unset").isEqualTo(5);
        assertThat(a.longValue(3, 5)).as("not decimal").isEqualTo(5);
        assertThat(a.longValue(4, 5)).as("too long").isEqualTo(5);
    }
}
