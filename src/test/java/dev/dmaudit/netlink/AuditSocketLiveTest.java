package dev.dmaudit.netlink;

import dev.dmaudit.os.DirectLibC;
import dev.dmaudit.os.ProcFiles;
import dev.dmaudit.os.SyscallException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmaudit.record.NetlinkFrames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.dmaudit.testing.Live;
import org.junit.jupiter.api.Test;

/**
 * The transport against this machine's kernel (root, NETLINK_AUDIT). Each test leaves the
 * kernel's audit settings as it found them (compared after each test).
 */
@Live
class AuditSocketLiveTest {
    /** UNWANTED: a user-message type the kernel relays only while audit is enabled. */
    static final int WANTED = 1130;
    /** AUDIT_SERVICE_STOP. */
    static final int UNWANTED = 1131;

    private AuditStatus before;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void checkKernel() {
        before = LiveKernel.assumeAuditAvailable();
    }

    @AfterEach
    void restoreAndCheck() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        LiveKernel.assertUnchanged(before);
    }

    private <T extends AutoCloseable> T closeLater(T t) {
        toClose.add(t);
        return t;
    }

    private NetlinkSocket sender() {
        NetlinkSocket s = NetlinkSocket.open(DirectLibC.get());
        closeLater(s::close);
        return s;
    }

    private static String marker() {
        return "dmaudit-test-" + System.nanoTime();
    }

    /** Receives until {@code want} user messages carrying {@code marker} came or the time is up. */
    private static List<String> receiveMarked(AuditTransport t, String marker, int want, long millis) {
        byte[] buf = new byte[t.maxDatagram()];
        List<String> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        while (got.size() < want) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            int n = t.receive(buf, left);
            if (n <= 0) {
                continue;
            }
            NetlinkFrames.forEach(buf, 0, n, m -> {
                String text = new String(m.buffer(), m.payloadOffset(), m.payloadLength(), StandardCharsets.UTF_8);
                if (text.contains(marker)) {
                    got.add(m.type() + " " + text);
                }
            });
        }
        return got;
    }

    @Test
    void auditGetReturnsEveryFieldOfThisKernel() {
        AuditStatus s = LiveKernel.status();
        assertThat(s.fieldCount()).isEqualTo(AuditStatus.FIELDS);
        assertThat(s.backlogLimit()).isPositive();
        assertThat(s.featureBitmap()).isPositive();
        assertThat(s.has(AuditStatus.FIELD_BACKLOG_WAIT_TIME_ACTUAL)).isTrue();
    }

    @Test
    void enableIsRestoredOnClose() {
        AuditSocket s = AuditSocket.control(AuditSocketOptions.defaults());
        s.setEnabled(true);
        s.setBacklogLimit(before.backlogLimit() + 1);
        assertThat(LiveKernel.status().enabled()).isEqualTo(1);
        assertThat(LiveKernel.status().backlogLimit()).isEqualTo(before.backlogLimit() + 1);
        s.close();
        assertThat(LiveKernel.status().enabled()).isEqualTo(before.enabled());
        assertThat(LiveKernel.status().backlogLimit()).isEqualTo(before.backlogLimit());
    }

    @Test
    void userMessagesCrossOnlyWhileAuditIsEnabled() {
        // enabled=2 (auditctl -e 2) cannot be changed until reboot: the one case this cannot test
        org.junit.jupiter.api.Assumptions.assumeTrue(before.enabled() != 2, "audit is locked on this machine (enabled=2)");
        AuditSocket s = closeLater(AuditSocket.multicast(AuditSocketOptions.defaults().withAcceptTypes(WANTED)));
        if (before.enabled() == 1) {
            s.setEnabled(false); // switched on by something else: off for the test, restored by close
        }
        NetlinkSocket tx = sender();
        String off = marker();
        tx.sendUserMessage(WANTED, off);
        assertThat(receiveMarked(s, off, 1, 500)).isEmpty();
        s.setEnabled(true);
        String on = marker();
        tx.sendUserMessage(WANTED, on);
        assertThat(receiveMarked(s, on, 1, 3000)).hasSize(1);
        s.close();
        assertThat(LiveKernel.status().enabled()).isEqualTo(before.enabled());
    }

    @Test
    void multicastReceivesTheUserMessagesThisTestSends() {
        AuditSocket s = closeLater(AuditSocket.multicast(
                AuditSocketOptions.defaults().withEnableAudit(true).withAcceptTypes(WANTED)));
        assertThat(LiveKernel.status().enabled()).isEqualTo(1);
        NetlinkSocket tx = sender();
        String mark = marker();
        for (int i = 0; i < 50; i++) {
            assertThat(tx.sendUserMessage(WANTED, mark + " n=" + i)).isZero();
        }
        List<String> got = receiveMarked(s, mark, 50, 5000);
        assertThat(got).hasSize(50).allMatch(x -> x.startsWith(WANTED + " "));
        assertThat(got.get(0)).contains("msg='" + mark + " n=0");
        assertThat(s.datagrams()).isGreaterThanOrEqualTo(50);
        assertThat(s.enobufs()).isZero();
        assertThat(s.kernelLostDelta()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void daemonModeRegistersReceivesAndUnregisters() {
        AuditSocket s = closeLater(AuditSocket.daemon(
                AuditSocketOptions.defaults().withEnableAudit(true).withAcceptTypes(WANTED)));
        assertThat(LiveKernel.status().pid()).isEqualTo((int) ProcessHandle.current().pid());
        NetlinkSocket tx = sender();
        String mark = marker();
        for (int i = 0; i < 20; i++) {
            assertThat(tx.sendUserMessage(WANTED, mark + " n=" + i)).isZero();
        }
        assertThat(receiveMarked(s, mark, 20, 5000)).hasSize(20);
        s.close();
        assertThat(LiveKernel.status().pid()).isEqualTo(before.pid());
    }

    @Test
    void secondDaemonGetsEexistNamingTheHolder() {
        closeLater(AuditSocket.daemon(AuditSocketOptions.defaults()));
        int me = (int) ProcessHandle.current().pid();
        assertThatThrownBy(() -> AuditSocket.daemon(AuditSocketOptions.defaults()))
                .isInstanceOfSatisfying(DaemonSlotTakenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SyscallException.Kind.DAEMON_SLOT_TAKEN);
                    assertThat(e.errnoName()).isEqualTo("EEXIST");
                    assertThat(e.holderPid()).isEqualTo(me);
                    assertThat(e.holderComm()).isEqualTo(ProcFiles.comm(me)).isNotBlank();
                    assertThat(e.getMessage()).contains("pid " + me).contains(e.holderComm());
                });
        assertThat(LiveKernel.status().pid()).isEqualTo(me);
    }

    @Test
    void bpfFilterKeepsOutUnwantedTypes() {
        AuditSocket all = closeLater(AuditSocket.multicast(AuditSocketOptions.defaults().withEnableAudit(true)));
        AuditSocket only = closeLater(AuditSocket.multicast(
                AuditSocketOptions.defaults().withAcceptTypes(WANTED)));
        NetlinkSocket tx = sender();
        String mark = marker();
        for (int i = 0; i < 20; i++) {
            tx.sendUserMessage(WANTED, mark + " wanted " + i);
            tx.sendUserMessage(UNWANTED, mark + " unwanted " + i);
        }
        List<String> unfiltered = receiveMarked(all, mark, 40, 5000);
        assertThat(unfiltered).hasSize(40);
        List<String> filtered = receiveMarked(only, mark, 40, 1000);
        assertThat(filtered).hasSize(20).allMatch(x -> x.startsWith(WANTED + " "));
        // Nothing else crossed either: not the 1130s, not the EVENT_LISTENER record of the join.
        assertThat(only.datagrams()).isEqualTo(20);
    }

    @Test
    void enobufsIsCountedAndTheSocketKeepsWorking() throws Exception {
        AuditSocket s = closeLater(AuditSocket.multicast(AuditSocketOptions.defaults()
                .withEnableAudit(true).withAcceptTypes(WANTED).withReceiveBuffer(1)));
        NetlinkSocket tx = sender();
        String mark = marker();
        for (int i = 0; i < 500; i++) {
            tx.sendUserMessage(WANTED, mark + " flood " + i);
        }
        TimeUnit.MILLISECONDS.sleep(300); // let kauditd multicast them into the full buffer
        receiveMarked(s, mark, 500, 500);
        assertThat(s.enobufs()).isPositive();
        String after = marker();
        tx.sendUserMessage(WANTED, after);
        assertThat(receiveMarked(s, after, 1, 3000)).hasSize(1);
    }

    @Test
    void datagramsFromOtherSocketsAreDropped() {
        AuditSocket s = closeLater(AuditSocket.multicast(AuditSocketOptions.defaults()
                .withEnableAudit(true).withAcceptTypes(WANTED)));
        NetlinkSocket tx = sender();
        String mark = marker();
        byte[] fake = ("audit(1.000:1): pid=1 msg='" + mark + " forged'").getBytes(StandardCharsets.UTF_8);
        assertThat(tx.send(WANTED, 0, 0, fake, s.portId())).isZero();
        tx.sendUserMessage(WANTED, mark + " genuine");
        List<String> got = receiveMarked(s, mark, 2, 1500);
        assertThat(got).hasSize(1).allMatch(x -> x.contains("genuine"));
        assertThat(s.nonKernelDropped()).isEqualTo(1);
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReceive() throws Exception {
        AuditSocket s = AuditSocket.multicast(AuditSocketOptions.defaults().withAcceptTypes(WANTED));
        CompletableFuture<Integer> r = CompletableFuture.supplyAsync(() -> s.receive(new byte[s.maxDatagram()]));
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(r).isNotDone();
        s.close();
        assertThat(r.get(2, TimeUnit.SECONDS)).isEqualTo(AuditTransport.CLOSED);
        assertThat(s.receive(new byte[16])).isEqualTo(AuditTransport.CLOSED);
        s.close(); // idempotent
    }

    @Test
    void controlModeAnswersStatusAndDeliversNoRecords() {
        try (AuditSocket s = AuditSocket.control(AuditSocketOptions.defaults())) {
            assertThat(s.status().backlogLimit()).isEqualTo(before.backlogLimit());
            assertThat(s.receive(new byte[64])).isEqualTo(AuditTransport.CLOSED);
            assertThat(s.portId()).isZero();
        }
    }
}
