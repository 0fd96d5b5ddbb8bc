package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetlinkFramesTest {

    static byte[] message(int len, int type, int flags, int seq, int pid, byte[] payload, int total) {
        byte[] d = new byte[total];
        Captures.putInt(d, 0, len);
        d[4] = (byte) type;
        d[5] = (byte) (type >> 8);
        d[6] = (byte) flags;
        d[7] = (byte) (flags >> 8);
        Captures.putInt(d, 8, seq);
        Captures.putInt(d, 12, pid);
        System.arraycopy(payload, 0, d, 16, payload.length);
        return d;
    }

    @Test
    void multicastCopiesHaveFullLengthAndDecodeWhole() {
        byte[] text = "audit(1795838689.008:15): module=integrity op=integrity-checksum dev=254:0 sector=20000 res=0"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] d = message(16 + text.length, 1339, 0, 0, 0, text, 16 + text.length);
        List<NetlinkMessage> msgs = NetlinkFrames.split(d, d.length);
        assertThat(msgs).hasSize(1);
        NetlinkMessage m = msgs.get(0);
        assertThat(m.type()).isEqualTo(1339);
        assertThat(m.payloadLength()).isEqualTo(text.length);
        assertThat(new AuditRecordParser().parse(m).get("sector")).isEqualTo("20000");
    }

    /** auditctl -m sends AUDIT_USER (1005) and the kernel logs loginuid changes as LOGIN (1006): records, not commands. */
    @Test
    void userAndLoginBelow1100AreRecordsTheOtherCommandTypesAreNot() {
        assertThat(NetlinkFrames.isAuditRecord(RecordTypes.USER)).isTrue();
        assertThat(NetlinkFrames.isAuditRecord(RecordTypes.LOGIN)).isTrue();
        assertThat(NetlinkFrames.isAuditRecord(1000)).isFalse(); // AUDIT_GET reply
        assertThat(NetlinkFrames.isAuditRecord(1018)).isFalse(); // AUDIT_SET_FEATURE
        assertThat(NetlinkFrames.isAuditRecord(2)).isFalse(); // NLMSG_ERROR
        byte[] text = "audit(1795838689.008:16): pid=1 uid=0 auid=0 ses=1 msg='hello from auditctl -m'"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] d = message(16 + text.length, RecordTypes.USER, 0, 0, 0, text, 16 + text.length);
        AuditRecord r = new AuditRecordParser().parse(NetlinkFrames.split(d, d.length).get(0));
        assertThat(r.typeName()).isEqualTo("USER");
        assertThat(RecordTypes.isUserSpace(r.type())).isTrue(); // a single-record event
    }

    @Test
    void daemonCopiesWithPayloadOnlyLengthTakeTheDatagramSize() {
        byte[] text = "audit(1795838689.008:15): module=integrity op=integrity-checksum dev=254:0 sector=20000 res=0"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] d = message(text.length, 1339, 0, 0, 0, text, 16 + text.length);
        NetlinkMessage m = NetlinkFrames.split(d, d.length).get(0);
        assertThat(m.headerLength()).isEqualTo(text.length);
        assertThat(m.payloadLength()).isEqualTo(text.length);
        assertThat(new AuditRecordParser().parse(m).get("res")).isEqualTo("0");
    }

    @Test
    void severalControlMessagesPerDatagramAreSplitOnAlignedLengths() {
        // An ACK (NLMSG_ERROR, error 0, 36 bytes) followed by NLMSG_DONE (16+4 bytes).
        byte[] ack = new byte[20];
        Captures.putInt(ack, 4, 16);
        byte[] a = message(36, NetlinkMessage.NLMSG_ERROR, 0x100, 7, 0, ack, 36);
        byte[] done = message(20, NetlinkMessage.NLMSG_DONE, 0, 8, 0, new byte[4], 20);
        byte[] both = new byte[36 + 20];
        System.arraycopy(a, 0, both, 0, 36);
        System.arraycopy(done, 0, both, 36, 20);
        List<NetlinkMessage> msgs = NetlinkFrames.split(both, both.length);
        assertThat(msgs).extracting(NetlinkMessage::type).containsExactly(2, 3);
        assertThat(msgs.get(0).isAck()).isTrue();
        assertThat(msgs.get(0).seq()).isEqualTo(7);
        assertThat(msgs.get(1).seq()).isEqualTo(8);
    }

    @Test
    void unalignedControlLengthsAdvanceToTheNextFourByteBoundary() {
        byte[] first = message(17, 1000, 0, 1, 0, new byte[] {9}, 20);
        byte[] second = message(16, NetlinkMessage.NLMSG_DONE, 0, 2, 0, new byte[0], 16);
        byte[] d = new byte[36];
        System.arraycopy(first, 0, d, 0, 20);
        System.arraycopy(second, 0, d, 20, 16);
        assertThat(NetlinkFrames.split(d, d.length)).extracting(NetlinkMessage::seq).containsExactly(1, 2);
    }

    @Test
    void errorCodeIsTheNegativeErrno() {
        byte[] err = new byte[20];
        Captures.putInt(err, 0, -17); // -EEXIST
        NetlinkMessage m = NetlinkFrames.split(message(36, 2, 0, 5, 0, err, 36), 36).get(0);
        assertThat(m.isAck()).isFalse();
        assertThat(m.errorCode()).isEqualTo(-17);
    }

    @Test
    void leadingIntReadsAReplacePidAndRefusesAShortPayload() {
        byte[] pid = new byte[4];
        Captures.putInt(pid, 0, 4242);
        NetlinkMessage replace = NetlinkFrames.split(message(20, 1329, 0, 0, 0, pid, 20), 20).get(0);
        assertThat(replace.leadingInt()).isEqualTo(4242);
        NetlinkMessage shortOne = NetlinkFrames.split(message(18, 1329, 0, 0, 0, new byte[2], 18), 18).get(0);
        assertThatThrownBy(shortOne::leadingInt).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void truncatedOrGarbageInputThrowsOnlyTheDocumentedException() {
        assertThatThrownBy(() -> NetlinkFrames.split(new byte[10], 10)).isInstanceOf(MalformedRecordException.class);
        byte[] tooLong = message(400, 1000, 0, 1, 0, new byte[0], 32);
        assertThatThrownBy(() -> NetlinkFrames.split(tooLong, tooLong.length))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("nlmsg_len");
        byte[] tooShort = message(8, 1000, 0, 1, 0, new byte[0], 16);
        assertThatThrownBy(() -> NetlinkFrames.split(tooShort, 16)).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> NetlinkFrames.forEach(new byte[4], 2, 8, m -> { }))
                .isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void randomBytesNeverThrowAnythingElse() {
        Random rnd = new Random(42);
        AuditRecordParser parser = new AuditRecordParser();
        for (int i = 0; i < 20_000; i++) {
            byte[] d = new byte[rnd.nextInt(80)];
            rnd.nextBytes(d);
            if (d.length >= 8 && rnd.nextBoolean()) {
                Captures.putInt(d, 0, rnd.nextInt(d.length + 1));
            }
            try {
                List<NetlinkMessage> out = new ArrayList<>();
                NetlinkFrames.forEach(d, 0, d.length, out::add);
                for (NetlinkMessage m : out) {
                    if (NetlinkFrames.isAuditRecord(m.type())) {
                        parser.parse(m).fields().asList();
                    }
                }
            } catch (MalformedRecordException expected) {
                // the one documented failure
            }
        }
    }
}
