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

    private static java.util.List<String> keys(AuditFields f) {
        return f.asList().stream().map(Field::key).toList();
    }

    @Test
    void wordsWithoutEqualsAreNotFieldsButOldAndNewNameTheNextKey() {
        // Lines from the audit-userspace and go-libaudit fixtures.
        AuditRecord login = parser.parse("type=LOGIN msg=audit(1170021601.343:296): login pid=13015 uid=0 old auid=4294967295 new auid=0");
        assertThat(keys(login.fields())).containsExactly("pid", "uid", "old_auid", "new_auid");
        assertThat(login.get("old_auid")).isEqualTo("4294967295");
        assertThat(login.get("new_auid")).isEqualTo("0");
        assertThat(login.get("auid")).isNull();
        AuditRecord daemon = parser.parse("type=DAEMON_END msg=audit(1481078697.892:7799): auditd normal halt, sending auid=? pid=? subj=? res=success");
        assertThat(keys(daemon.fields())).containsExactly("auid", "pid", "subj", "res");
        AuditRecord netlabel = parser.parse("type=MAC_UNLBL_ALLOW msg=audit(1795838704.952:3): netlabel: auid=0 ses=0 subj=unconfined unlbl_accept=1 old=0");
        assertThat(keys(netlabel.fields())).containsExactly("auid", "ses", "subj", "unlbl_accept", "old");
        // "old" with a value is a key of its own, and a bare old not before a key names nothing.
        assertThat(keys(parser.parse("type=LOGIN msg=audit(1.000:1): old old new").fields())).isEmpty();
    }

    @Test
    void selinuxAvcPrefixBecomesResultAndPermissions() {
        AuditRecord avc = parser.parse("type=AVC msg=audit(1170021493.977:293): avc:  denied  { read write } for  pid=13010 comm=\"pickup\" name=\"maildrop\" dev=hda7 tclass=dir");
        assertThat(keys(avc.fields())).containsExactly("seresult", "seperms", "pid", "comm", "name", "dev", "tclass");
        assertThat(avc.get("seresult")).isEqualTo("denied");
        assertThat(avc.get("seperms")).isEqualTo("read,write");
        assertThat(avc.fields().raw(1)).isEqualTo("read write");
        assertThat(parser.parse("type=AVC msg=audit(1.000:1): avc:  granted  { setenforce } for  pid=1").get("seperms"))
                .isEqualTo("setenforce");
        // AppArmor's AVC is key=value already; a malformed prefix is just words.
        AuditRecord apparmor = parser.parse("type=AVC msg=audit(1524662933.080:61207): apparmor=\"DENIED\" operation=\"ptrace\" pid=5571");
        assertThat(keys(apparmor.fields())).containsExactly("apparmor", "operation", "pid");
        assertThat(keys(parser.parse("type=AVC msg=audit(1.000:1): avc:  denied  { read pid=1").fields())).containsExactly("pid");
        assertThat(keys(parser.parse("type=AVC msg=audit(1.000:1): avc: denied { read } pid=1").fields())).containsExactly("pid");
    }

    @Test
    void nestedListsStayWholeAndEnrichedSockaddrIsOneValue() {
        AuditRecord cred = parser.parse("type=CRED_ACQ msg=audit(1481077043.057:413): pid=1298 uid=0 auid=4294967295 ses=4294967295 "
                + "msg='op=PAM:setcred grantors=pam_env,pam_unix acct=\"andrew_kroh\" exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=success'");
        AuditFields inner = cred.fields().nested("msg");
        assertThat(inner.get("grantors")).isEqualTo("pam_env,pam_unix");
        assertThat(inner.get("res")).isEqualTo("success");
        AuditRecord old = parser.parse("type=USER_END msg=audit(1.000:1): user pid=1 msg='PAM: session close acct=root : exe=\"/usr/sbin/crond\" (hostname=?, addr=?, terminal=cron res=success)'");
        assertThat(old.fields().nested("msg").get("hostname")).isEqualTo("?");
        assertThat(old.fields().nested("msg").get("terminal")).isEqualTo("cron");
        AuditRecord sock = parser.parse("type=SOCKADDR msg=audit(1.000:1): saddr=100000000000000000000000\u001dSADDR={ fam=netlink nlnk-fam=16 nlnk-pid=0 } X=1");
        assertThat(keys(sock.enriched())).containsExactly("SADDR", "X");
        assertThat(sock.enriched().get("SADDR")).isEqualTo("{ fam=netlink nlnk-fam=16 nlnk-pid=0 }");
    }

    /** One parser reads thousands of type texts, each twice (the cache of type texts holds 256). */
    @Test
    void typeTextsReadTheSameSeenOrNot() {
        AuditLogParser parser = new AuditLogParser();
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int n : RecordTypes.knownNumbers()) {
            names.add(RecordTypes.name(n));
            names.add("AUDIT_" + RecordTypes.name(n));
        }
        for (int n = 900; n < 3100; n++) {
            names.add("UNKNOWN[" + n + "]");
            names.add(Integer.toString(n));
            names.add("NOT_A_TYPE_" + n);
        }
        for (int round = 0; round < 2; round++) {
            for (String name : names) {
                AuditRecord r = parser.parse("type=" + name + " msg=audit(1.000:1): a=b");
                AuditRecord fresh = new AuditLogParser().parse("type=" + name + " msg=audit(1.000:1): a=b");
                assertThat(r.receivedType()).as(name).isEqualTo(fresh.receivedType());
                assertThat(r.type()).as(name).isEqualTo(fresh.type());
                assertThat(r.typeName()).as(name).isEqualTo(fresh.typeName());
            }
        }
        assertThat(parser.parse("type=NOT_A_TYPE_1000 msg=audit(1.000:1): a=b").typeName()).isEqualTo("NOT_A_TYPE_1000");
        assertThat(parser.parse("type=UNKNOWN[1338] msg=audit(1.000:1): a=b").type()).isEqualTo(RecordTypes.DM_CTRL);
    }
}
