package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditRecordParserTest {
    private final AuditRecordParser parser = new AuditRecordParser();

    private AuditRecord parse(int type, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return parser.parse(type, b, 0, b.length);
    }

    @Test
    void eventIdAndFieldsInOrder() {
        AuditRecord r = parse(1338, "audit(1795838694.300:18): module=integrity op=ctr ppid=125 pid=293 "
                + "auid=4294967295 tty=(none) comm=\"dmsetup\" exe=\"/usr/sbin/dmsetup\" subj=unconfined dev=254:0 "
                + "error_msg='The device is not initialized' res=0");
        assertThat(r.seconds()).isEqualTo(1795838694L);
        assertThat(r.millis()).isEqualTo(300);
        assertThat(r.serial()).isEqualTo(18);
        assertThat(r.timeMillis()).isEqualTo(1795838694300L);
        assertThat(r.typeName()).isEqualTo("DM_CTRL");
        AuditFields f = r.fields();
        assertThat(f.key(0)).isEqualTo("module");
        assertThat(f.key(f.size() - 1)).isEqualTo("res");
        assertThat(f.get("error_msg")).isEqualTo("The device is not initialized");
        assertThat(f.kind(f.indexOf("error_msg"))).isEqualTo(ValueKind.SINGLE_QUOTED);
        assertThat(f.get("comm")).isEqualTo("dmsetup");
        assertThat(f.kind(f.indexOf("comm"))).isEqualTo(ValueKind.DOUBLE_QUOTED);
        assertThat(f.get("tty")).isEqualTo("(none)");
        assertThat(f.kind(f.indexOf("tty"))).isEqualTo(ValueKind.PLAIN);
        assertThat(f.getLong("auid", -1)).isEqualTo(4294967295L);
        assertThat(r.eventId()).isEqualTo("audit(1795838694.300:18)");
    }

    @Test
    void hexEncodedUntrustedStringsKeepRawAndDecoded() {
        AuditRecord r = parse(1300, "audit(1.002:3): a1=c138fd09 comm=6D7920636F6D6D exe=2F746D702F612062");
        AuditFields f = r.fields();
        int comm = f.indexOf("comm");
        assertThat(f.kind(comm)).isEqualTo(ValueKind.HEX);
        assertThat(f.raw(comm)).isEqualTo("6D7920636F6D6D");
        assertThat(f.value(comm)).isEqualTo("my comm");
        assertThat(f.get("exe")).isEqualTo("/tmp/a b");
        // Syscall arguments are hex numbers, not encoded strings.
        assertThat(f.kind(f.indexOf("a1"))).isEqualTo(ValueKind.PLAIN);
        assertThat(f.get("a1")).isEqualTo("c138fd09");
    }

    @Test
    void execveArgumentsMayBeHexButSyscallArgumentsNever() {
        AuditFields execve = parse(1309, "audit(1.000:1): argc=2 a0=\"ls\" a1=2F746D702F6120622063").fields();
        assertThat(execve.get("a1")).isEqualTo("/tmp/a b c");
        AuditFields syscall = parse(1300, "audit(1.000:1): a0=10 a1=AB a2=0").fields();
        assertThat(syscall.get("a0")).isEqualTo("10");
        assertThat(syscall.kind(syscall.indexOf("a1"))).isEqualTo(ValueKind.PLAIN);
        AuditFields config = parse(1305, "audit(1.000:1): op=set audit_backlog_limit=8192 old=64 id=1000").fields();
        assertThat(config.get("old")).isEqualTo("64");
        assertThat(config.get("id")).isEqualTo("1000");
    }

    @Test
    void proctitleNulSeparatorsBecomeSpaces() {
        AuditRecord r = parse(1327, "audit(1795838683.524:13): proctitle=696E74656772697479736574757000636C6F736500696E7465677269747974657374");
        assertThat(r.get("proctitle")).isEqualTo("integritysetup close integritytest");
        assertThat(r.fields().raw(0)).startsWith("696E7465");
    }

    @Test
    void nullUnsetAndEmptyValues() {
        AuditFields f = parse(1339, "audit(1.000:1): module=integrity op=mac-superblock dev=254:0 sector=? key=(null) name= res=0").fields();
        assertThat(f.kind(f.indexOf("sector"))).isEqualTo(ValueKind.UNSET);
        assertThat(f.get("sector")).isEqualTo("?");
        assertThat(f.kind(f.indexOf("key"))).isEqualTo(ValueKind.NULL);
        assertThat(f.kind(f.indexOf("name"))).isEqualTo(ValueKind.EMPTY);
        assertThat(f.get("name")).isEmpty();
        assertThat(f.getLong("sector", -1)).isEqualTo(-1);
    }

    @Test
    void appArmorLabels() {
        AuditFields f = parse(1338, "audit(1.000:1): comm=\"x\" subj==unconfined dev=254:3").fields();
        assertThat(f.get("subj")).isEqualTo("=unconfined");
        assertThat(f.get("dev")).isEqualTo("254:3");
        AuditFields g = parse(1300, "audit(1.000:1): pid=5 subj==/usr/sbin/ntpd (enforce) key=(null)").fields();
        assertThat(g.get("subj")).isEqualTo("=/usr/sbin/ntpd (enforce)");
        assertThat(g.get("key")).isEqualTo("(null)");
        assertThat(g.size()).isEqualTo(3);
    }

    @Test
    void duplicateKeysAreKept() {
        AuditFields f = parse(1300, "audit(1.000:1): a=1 a=2 a=3").fields();
        assertThat(f.size()).isEqualTo(3);
        assertThat(f.get("a")).isEqualTo("1");
        assertThat(f.asList()).extracting(Field::value).containsExactly("1", "2", "3");
    }

    @Test
    void userRecordsNestedMessage() {
        AuditRecord r = parse(1112, "audit(1.000:1): pid=1 uid=0 auid=4294967295 ses=4294967295 "
                + "msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=success'\u0000");
        AuditFields inner = r.fields().nested("msg");
        assertThat(inner.get("op")).isEqualTo("login");
        assertThat(inner.get("acct")).isEqualTo("root");
        assertThat(inner.get("res")).isEqualTo("success");
        assertThat(inner.kind(inner.indexOf("hostname"))).isEqualTo(ValueKind.UNSET);
    }

    @Test
    void nestedMessageWithParenthesesAndCommas() {
        AuditRecord r = parse(1106, "audit(1.000:1): user pid=13015 uid=0 msg='PAM: session open acct=root : "
                + "exe=\"/usr/sbin/crond\" (hostname=?, addr=?, terminal=cron res=success)'");
        assertThat(r.fields().key(0)).as("a word without = is not a field").isEqualTo("pid");
        AuditFields inner = r.fields().nested("msg");
        assertThat(inner.get("hostname")).isEqualTo("?");
        assertThat(inner.get("terminal")).isEqualTo("cron");
        assertThat(inner.get("res")).isEqualTo("success");
    }

    @Test
    void userTextWithQuotesInsideMsg() {
        AuditRecord r = parse(1130, "audit(1.000:1): pid=1 msg='it's odd' res=x'");
        assertThat(r.get("msg")).isEqualTo("it's odd' res=x");
    }

    @Test
    void trailingNulAndNewlineAreNotText() {
        AuditRecord r = parse(1130, "audit(1.000:1): msg='hello'\n\u0000\u0000");
        assertThat(r.get("msg")).isEqualTo("hello");
    }

    @Test
    void emptyBodyOfEoe() {
        AuditRecord r = parse(1320, "audit(1795838674.200:7): ");
        assertThat(r.fields().size()).isZero();
        assertThat(r.typeName()).isEqualTo("EOE");
    }

    @Test
    void badEventIdsAreMalformed() {
        for (String s : new String[] {"", "audit(", "audit(x.1:2): a=b", "audit(1.2:): a", "audit(1:2): a",
                "audit(1.2:3", "hello world", "audit(99999999999999999999.1:1): a"}) {
            assertThatThrownBy(() -> parse(1300, s)).as(s).isInstanceOf(MalformedRecordException.class);
        }
    }

    /** Fuzzing finding (DecoderFuzzTestInputs/recordPayload/crash-970fbc…): 17-digit seconds. */
    @Test
    void eventTimesBeyondEpochMillisAreMalformed() {
        long max = EventId.MAX_SECONDS;
        AuditRecord last = parse(1338, "audit(" + max + ".999:1): res=1");
        assertThat(last.timeMillis()).isEqualTo(max * 1000 + 999).isPositive();
        assertThat(last.time().toEpochMilli()).isEqualTo(last.timeMillis());
        for (String s : new String[] {"audit(" + (max + 1) + ".000:1): res=1", "audit(149312657463838705.108:4): a",
                "audit(999999999999999999.999:1): a"}) {
            assertThatThrownBy(() -> parse(1338, s)).as(s).isInstanceOf(MalformedRecordException.class)
                    .hasMessageContaining("event time out of range");
            byte[] line = ("type=DM_CTRL msg=" + s).getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> new AuditLogParser().parse(line)).as(s)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void typeMappingIsOptIn() {
        byte[] b = "audit(1630425039.363:184): module=integrity op=ctr dev=254:3 res=1".getBytes(StandardCharsets.US_ASCII);
        assertThat(new AuditRecordParser().parse(1336, b, 0, b.length).typeName()).isEqualTo("URINGOP");
        AuditRecord mapped = new AuditRecordParser(TypeMapping.dmTypes(1336, 1337)).parse(1336, b, 0, b.length);
        assertThat(mapped.type()).isEqualTo(RecordTypes.DM_CTRL);
        assertThat(mapped.receivedType()).isEqualTo(1336);
    }
}
