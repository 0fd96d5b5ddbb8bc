package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AuditLogParserTest {
    private final AuditLogParser parser = new AuditLogParser();

    @Test
    void namedTypeAndFields() {
        AuditRecord r = parser.parse("type=DM_EVENT msg=audit(1795838689.008:15): module=integrity op=integrity-checksum dev=254:0 sector=20000 res=0");
        assertThat(r.type()).isEqualTo(RecordTypes.DM_EVENT);
        assertThat(r.serial()).isEqualTo(15);
        assertThat(r.get("sector")).isEqualTo("20000");
        assertThat(r.node()).isNull();
    }

    @Test
    void unknownBracketAndNumericTypes() {
        assertThat(parser.parse("type=UNKNOWN[1338] msg=audit(1.000:1): module=crypt op=ctr res=1").type()).isEqualTo(1338);
        assertThat(parser.parse("type=1339 msg=audit(1.000:1): module=crypt op=integrity-aead res=0").typeName()).isEqualTo("DM_EVENT");
        AuditRecord odd = parser.parse("type=SOMETHING_NEW msg=audit(1.000:1): a=b");
        assertThat(odd.type()).isEqualTo(-1);
        assertThat(odd.typeName()).isEqualTo("SOMETHING_NEW");
        assertThat(odd.toLogLine()).startsWith("type=SOMETHING_NEW msg=audit(1.000:1): a=b");
    }

    @Test
    void nodePrefix() {
        AuditRecord r = parser.parse("node=auditdtest.a1959.org type=SYSCALL msg=audit(1451781471.394:194435): arch=c000003e syscall=23 comm=\"sshd\"");
        assertThat(r.node()).isEqualTo("auditdtest.a1959.org");
        assertThat(r.get("comm")).isEqualTo("sshd");
        assertThat(r.toLogLine()).startsWith("node=auditdtest.a1959.org type=SYSCALL");
    }

    @Test
    void enrichedLinesSplitAtGroupSeparator() {
        AuditRecord r = parser.parse("type=DM_CTRL msg=audit(1.000:8): module=integrity op=ctr pid=184 auid=4294967295 uid=0 "
                + "comm=\"integritysetup\" dev=254:0 error_msg='success' res=1\u001dAUID=\"unset\" UID=\"root\"");
        assertThat(r.get("res")).isEqualTo("1");
        assertThat(r.enriched().get("UID")).isEqualTo("root");
        assertThat(r.enriched().get("AUID")).isEqualTo("unset");
        assertThat(r.body()).endsWith("res=1");
    }

    @Test
    void patchThreadSamplesNeedTheOptIn() {
        String line = "type=UNKNOWN[1336] msg=audit(1630425039.363:184): module=integrity op=ctr ppid=3807 pid=3819 "
                + "auid=1000 tty=pts2 ses=3 comm=\"integritysetup\" exe=\"/sbin/integritysetup\" subj==unconfined dev=254:3 error_msg='success' res=1";
        assertThat(parser.parse(line).typeName()).isEqualTo("URINGOP");
        AuditRecord mapped = new AuditLogParser(TypeMapping.dmTypes(1336, 1337)).parse(line);
        assertThat(mapped.typeName()).isEqualTo("DM_CTRL");
        assertThat(mapped.get("subj")).isEqualTo("=unconfined");
        assertThat(new AuditLogParser(TypeMapping.dmTypes(1336, 1337))
                .parse("type=UNKNOWN[1337] msg=audit(1630425112.119:194): module=integrity op=integrity-checksum dev=254:3 sector=77480 res=0")
                .type()).isEqualTo(RecordTypes.DM_EVENT);
    }

    @Test
    void brokenLinesAreMalformed() {
        for (String s : new String[] {"type=UNKNOWN[1329] msg=?", "", "node=x", "type=SYSCALL", "msg=audit(1.000:1): a=b",
                "type=SYSCALL msg=audit(1.000:1", "type= msg=audit(1.000:1): a"}) {
            assertThatThrownBy(() -> parser.parse(s)).as(s).isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void noLineIsMalformedLikeAnyBadLine() {
        assertThatThrownBy(() -> parser.parse((byte[]) null)).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> parser.parse((String) null)).isInstanceOf(MalformedRecordException.class);
    }
}
