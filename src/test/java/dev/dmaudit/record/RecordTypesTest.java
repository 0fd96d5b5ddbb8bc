package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordTypesTest {
    @Test
    void mainlineNumbering() {
        assertThat(RecordTypes.name(1336)).isEqualTo("URINGOP");
        assertThat(RecordTypes.name(1337)).isEqualTo("OPENAT2");
        assertThat(RecordTypes.name(1338)).isEqualTo("DM_CTRL");
        assertThat(RecordTypes.name(1339)).isEqualTo("DM_EVENT");
        assertThat(RecordTypes.name(1300)).isEqualTo("SYSCALL");
        assertThat(RecordTypes.name(1320)).isEqualTo("EOE");
        assertThat(RecordTypes.name(1335)).isEqualTo("EVENT_LISTENER");
        assertThat(RecordTypes.name(1424)).isEqualTo("LANDLOCK_DOMAIN");
        assertThat(RecordTypes.name(1112)).isEqualTo("USER_LOGIN");
    }

    @Test
    void namesRoundTrip() {
        for (int n : RecordTypes.knownNumbers()) {
            assertThat(RecordTypes.number(RecordTypes.name(n))).as("type %d", n).isEqualTo(n);
        }
        assertThat(RecordTypes.knownNumbers().length).isGreaterThan(200);
    }

    @Test
    void unknownNumbersKeepTheirNumber() {
        assertThat(RecordTypes.name(1999)).isEqualTo("UNKNOWN[1999]");
        assertThat(RecordTypes.number("UNKNOWN[1338]")).isEqualTo(1338);
        assertThat(RecordTypes.number("UNKNOWN[x]")).isEqualTo(-1);
        assertThat(RecordTypes.number("AUDIT_DM_EVENT")).isEqualTo(1339);
        assertThat(RecordTypes.number("NO_SUCH_TYPE")).isEqualTo(-1);
        assertThat(RecordTypes.name(-5)).isEqualTo("UNKNOWN[-5]");
    }
}
