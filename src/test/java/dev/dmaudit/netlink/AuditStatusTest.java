package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmaudit.record.MalformedRecordException;
import dev.dmaudit.record.NetlinkFrames;
import dev.dmaudit.record.NetlinkMessage;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * struct audit_status against real AUDIT_GET replies. The payload bytes are copied from
 * src/test/resources/kernel-6.1-dm-integrity/{multicast,auditd}/cap.jsonl (Debian kernel
 * 6.1.0-56-amd64 under qemu; see docs/kernel-facts.md): the {@code payload_hex} of the lines
 * named below, with the {@code status} object the capture decoded beside them.
 */
class AuditStatusTest {
    /** multicast/cap.jsonl line 2: seq 101, status before the procedure (no daemon). */
    static final String MCAST_LINE2 = "00000000010000000100000000000000000000004000000000000000000000007f000000983a000000000000";
    /** multicast/cap.jsonl line 5: backlog 2. */
    static final String MCAST_LINE5 = "00000000010000000100000000000000000000004000000000000000020000007f000000983a000000000000";
    /** auditd/cap.jsonl line 19: the capture's daemon (pid 136) registered. */
    static final String AUDITD_LINE19 = "00000000010000000100000088000000000000004000000000000000000000007f000000983a000000000000";
    /** auditd/cap.jsonl line 1: the ACK (NLMSG_ERROR 0) of that AUDIT_GET, header + payload. */
    static final String ACK_LINE1 = "2400000002000001650000008800000000000000" + "10000000e80305006500000000000000";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void decodesEveryFieldOfTheCapturedReply() {
        byte[] p = hex(MCAST_LINE2);
        AuditStatus s = AuditStatus.decode(p, 0, p.length);
        // {"mask": 0, "enabled": 1, "failure": 1, "pid": 0, "rate_limit": 0, "backlog_limit": 64, "lost": 0,
        //  "backlog": 0, "feature_bitmap": 127, "backlog_wait_time": 15000, "backlog_wait_time_actual": 0}
        assertThat(s).isEqualTo(new AuditStatus(11, 0, 1, 1, 0, 0, 64, 0, 0, 127, 15000, 0));
        assertThat(s.auditEnabled()).isTrue();
        assertThat(s.has(AuditStatus.FIELD_BACKLOG_WAIT_TIME_ACTUAL)).isTrue();
    }

    @Test
    void decodesBacklogAndDaemonPid() {
        byte[] a = hex(MCAST_LINE5);
        assertThat(AuditStatus.decode(a, 0, a.length).backlog()).isEqualTo(2);
        byte[] b = hex(AUDITD_LINE19);
        assertThat(AuditStatus.decode(b, 0, b.length).pid()).isEqualTo(136);
    }

    @Test
    void readsOnlyTheFieldsTheReplyCovers() {
        byte[] p = hex(AUDITD_LINE19);
        // Older kernels: 32 bytes (up to backlog), 36 (feature_bitmap), 40 (backlog_wait_time).
        AuditStatus s32 = AuditStatus.decode(p, 0, 32);
        assertThat(s32.fieldCount()).isEqualTo(8);
        assertThat(s32.pid()).isEqualTo(136);
        assertThat(s32.featureBitmap()).isZero();
        assertThat(s32.has(AuditStatus.FIELD_FEATURE_BITMAP)).isFalse();
        AuditStatus s40 = AuditStatus.decode(p, 0, 40);
        assertThat(s40.backlogWaitTime()).isEqualTo(15000);
        assertThat(s40.has(AuditStatus.FIELD_BACKLOG_WAIT_TIME_ACTUAL)).isFalse();
        // A future kernel's longer struct: extra bytes are ignored.
        byte[] longer = new byte[p.length + 8];
        System.arraycopy(p, 0, longer, 0, p.length);
        assertThat(AuditStatus.decode(longer, 0, longer.length).fieldCount()).isEqualTo(11);
        // At an offset inside a datagram.
        byte[] shifted = new byte[p.length + 16];
        System.arraycopy(p, 0, shifted, 16, p.length);
        assertThat(AuditStatus.decode(shifted, 16, p.length).pid()).isEqualTo(136);
    }

    @Test
    void refusesReplyShorterThanTheOldestStruct() {
        byte[] p = hex(MCAST_LINE2);
        assertThatThrownBy(() -> AuditStatus.decode(p, 0, 24)).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> AuditStatus.decode(p, 40, 8)).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> AuditStatus.decode(null, 0, 0)).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void encodeSetPutsMaskAndValuesWhereTheKernelReadsThem() {
        byte[] set = AuditStatus.encodeSet(AuditStatus.MASK_PID, AuditStatus.empty().withPid(136));
        assertThat(set).hasSize(AuditStatus.SIZE);
        AuditStatus back = AuditStatus.decode(set, 0, set.length);
        assertThat(back.mask()).isEqualTo(AuditStatus.MASK_PID);
        assertThat(back.pid()).isEqualTo(136);
        assertThat(back.enabled()).isZero();
        byte[] en = AuditStatus.encodeSet(AuditStatus.MASK_ENABLED | AuditStatus.MASK_BACKLOG_LIMIT,
                AuditStatus.empty().withEnabled(1).withBacklogLimit(8192));
        assertThat(HexFormat.of().formatHex(en, 0, 24)).isEqualTo("110000000100000000000000000000000000000000200000");
    }

    @Test
    void theCapturedAckSplitsWithNetlinkFrames() {
        byte[] d = hex(ACK_LINE1);
        List<NetlinkMessage> m = NetlinkFrames.split(d, d.length);
        assertThat(m).hasSize(1);
        assertThat(m.get(0).isAck()).isTrue();
        assertThat(m.get(0).seq()).isEqualTo(101);
    }
}
