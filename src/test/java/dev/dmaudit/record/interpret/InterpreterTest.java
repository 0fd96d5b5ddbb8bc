package dev.dmaudit.record.interpret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What AuparseInterpretTest cannot see: the parts of the API the writers use, names from the
 * {@link IdNames} given, and a user record's msg='…' as one string. (Each field's interpretation is
 * compared with the real libauparse there.)
 */
class InterpreterTest {
    private final IdNames alice = new IdNames() {
        @Override
        public String user(long uid) {
            return uid == 1000 ? "alice" : null;
        }

        @Override
        public String group(long gid) {
            return gid == 100 ? "users" : null;
        }
    };

    private static AuditRecord parse(String line) throws Exception {
        return new AuditLogParser().parse(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void idsUseTheGivenNamesAndSayUnsetOrUnknown() {
        Interpreter i = new Interpreter(alice);
        assertThat(i.interpret("uid", "1000", null)).isEqualTo("alice");
        assertThat(i.interpret("gid", "100", null)).isEqualTo("users");
        assertThat(i.interpret("euid", "1001", null)).isEqualTo("unknown(1001)");
        assertThat(i.interpret("auid", "4294967295", null)).isEqualTo("unset");
        assertThat(i.user(1000)).isEqualTo("alice");
        assertThat(new Interpreter(IdNames.none()).user(0)).isEqualTo("unknown(0)");
    }

    @Test
    void exitNamesOnlyKnownNegativeErrnos() {
        Interpreter i = new Interpreter(IdNames.none());
        assertThat(i.exit(-2)).isEqualTo("ENOENT(No such file or directory)");
        assertThat(i.exit(0)).isNull();
        assertThat(i.exit(3)).isNull();
        assertThat(i.exit(-9999)).isNull();
        assertThat(i.exit(Long.MIN_VALUE)).isNull();
    }

    @Test
    void userMessagesInterpretTheFieldsInside() throws Exception {
        AuditRecord r = parse("type=USER_LOGIN msg=audit(1.000:1): pid=1 uid=0 auid=4294967295 ses=4294967295 "
                + "msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=success'");
        Interpreter i = new Interpreter(alice);
        int msg = r.fields().indexOf("msg");
        assertThat(i.interpret(r, msg)).isEqualTo("op=login id=alice exe=/usr/sbin/sshd hostname=? addr=? terminal=ssh res=success");
        assertThat(i.interpret(r, r.fields().indexOf("pid"))).isNull();
    }

    @Test
    void hexEncodedValuesNeedNothingMore() throws Exception {
        AuditRecord r = parse("type=PROCTITLE msg=audit(1.000:1): proctitle=6C73002D6C");
        assertThat(new Interpreter(IdNames.none()).interpret(r, 0)).isNull();
        assertThat(r.fields().value(0)).isEqualTo("ls -l");
    }
}
