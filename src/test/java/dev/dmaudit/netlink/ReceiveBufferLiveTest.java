package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: under the least-privilege unit (CAP_AUDIT_READ, no CAP_NET_ADMIN) SO_RCVBUFFORCE is
 * refused and the buffer silently became 2 × net.core.rmem_max. On the live kernel, in a JVM
 * started by setpriv without CAP_NET_ADMIN: the effective size is read back and exposed, and one
 * WARNING names it, the request and the sysctl that raises it.
 */
class ReceiveBufferLiveTest {
    @Test
    void withoutCapNetAdminTheCappedSizeIsExposedAndWarnedOnce() throws Exception {
        LiveKernel.assumeAuditAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to drop CAP_NET_ADMIN");
        // readAllLines: Files.readString trusts the size /proc reports and may return a prefix.
        long rmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).strip());
        int requested = 128 << 20;
        assumeTrue(rmemMax < requested, "net.core.rmem_max (" + rmemMax + ") already allows the request; nothing is capped");
        Path classes = Path.of(AuditSocket.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(ReceiveBufferProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jna = Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", tests + ":" + classes + ":" + jna, ReceiveBufferProbe.class.getName(), Integer.toString(requested))
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();
        // SO_RCVBUF: the kernel stores min(request, rmem_max) doubled.
        long effective = 2 * Math.min(rmemMax, requested);
        assertThat(out.lines().toList()).as("rmem_max " + rmemMax).containsExactly("effective=" + effective + " capped=true",
                "effective=" + effective + " capped=true");
        List<String> warnings = err.lines().filter(l -> l.contains("receive buffer is")).toList();
        assertThat(warnings).containsExactly("WARNING: receive buffer is " + effective + " bytes (getsockopt SO_RCVBUF), not the "
                + 2L * requested + " of the requested " + requested + ": SO_RCVBUFFORCE needs CAP_NET_ADMIN, so"
                + " net.core.rmem_max caps it and bursts may be lost; raise it with `sysctl -w net.core.rmem_max="
                + requested + "` or the drop-in contrib/sysctl/60-dmaudit.conf (installed as"
                + " /usr/local/lib/sysctl.d/60-dmaudit.conf)");
    }

    @Test
    void withCapNetAdminTheRequestIsForced() {
        LiveKernel.assumeAuditAvailable();
        int requested = 8 << 20;
        try (AuditSocket s = AuditSocket.multicast(AuditSocketOptions.defaults().withReceiveBuffer(requested))) {
            assertThat(s.receiveBufferCapped()).isFalse();
            assertThat(s.receiveBufferBytes()).isEqualTo(2 * requested);
        }
    }
}
