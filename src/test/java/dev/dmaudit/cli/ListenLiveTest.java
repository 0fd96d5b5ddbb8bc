package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.dmaudit.netlink.AuditSocket;
import dev.dmaudit.netlink.AuditSocketOptions;
import dev.dmaudit.netlink.AuditStatus;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import dev.dmaudit.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `dmaudit listen` as a separate process against this machine's kernel: user messages the test
 * sends arrive as JSON lines, SIGTERM ends it cleanly with the audit state restored, and each
 * failure has its exit code. Needs root and a kernel with audit (CI has both).
 */
@Timeout(120)
@Live
class ListenLiveTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @BeforeAll
    static void needsRootAndAudit() {
    }

    static AuditStatus status() {
        try (AuditSocket s = AuditSocket.control(AuditSocketOptions.defaults())) {
            return s.status();
        }
    }

    static ProcessBuilder dmaudit(String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Sends user messages of type 1130 through the kernel (it relays them only while audit is enabled). */
    static void sendUserMessages(int n, String text) throws IOException {
        Process p = new ProcessBuilder("python3", "-c", String.join("\n",
                "import socket,struct,sys",
                "s=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,9)",
                "s.bind((0,0))",
                "for i in range(" + n + "):",
                "    m=(sys.argv[1]+' %d' % i).encode()+b'\\0'",
                "    s.sendto(struct.pack('=IHHII',16+len(m),1130,1,i+1,0)+m,(0,0))"), text)
                .redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    static void awaitListening(Path err) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Files.exists(err) && Files.readString(err).contains("listening")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("listen did not start: " + (Files.exists(err) ? Files.readString(err) : ""));
    }

    @Test
    void countUserMessagesAsValidJsonLines(@TempDir Path dir) throws Exception {
        assumeTrue(new File("/usr/bin/python3").canExecute(), "python3 sends the user messages");
        AuditStatus before = status();
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        Process p = dmaudit("listen", "--all", "--type", "SERVICE_START", "--format", "json", "--count", "5",
                "--enable-audit", "--timeout", "60s").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        awaitListening(err);
        Thread.sleep(500);
        sendUserMessages(8, "dmaudit-live-test \u001b[2J");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(5);
        JsonFactory f = new JsonFactory();
        for (String l : lines) {
            try (JsonParser jp = f.createParser(l)) {
                while (jp.nextToken() != null) {
                    // parses to the end or throws
                }
            }
            assertThat(l).contains("\"type\":\"SERVICE_START\"", "dmaudit-live-test \\u001B[2J").doesNotContain("\u001b");
        }
        assertThat(status().enabled()).as("audit state restored").isEqualTo(before.enabled());
    }

    @Test
    void withoutCapSysNiceItWarnsOnceAndStillListens(@TempDir Path dir) throws Exception {
        assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) drops CAP_SYS_NICE");
        assumeTrue(new File("/usr/bin/python3").canExecute(), "python3 sends the user messages");
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice"));
        cmd.addAll(dmaudit("listen", "--all", "--type", "SERVICE_START", "--format", "json", "--count", "2",
                "--enable-audit", "--timeout", "60s").command());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        awaitListening(err);
        Thread.sleep(500);
        sendUserMessages(3, "dmaudit-nice-test");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(Files.readAllLines(out)).hasSize(2);
        assertThat(stderr.lines().filter(l -> l.startsWith("dmaudit: warning: cannot raise")).toList())
                .singleElement().asString().contains("setpriority: EACCES", "CAP_SYS_NICE");
    }

    @Test
    void sigtermEndsCleanlyAndRestoresAuditState(@TempDir Path dir) throws Exception {
        AuditStatus before = status();
        Path err = dir.resolve("err.txt");
        Process p = dmaudit("listen", "--enable-audit", "--stats").redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        awaitListening(err);
        assertThat(status().enabled()).as("--enable-audit turned it on").isEqualTo(1);
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(err)).contains("dmaudit: stats ");
        assertThat(status().enabled()).isEqualTo(before.enabled());
    }

    @Test
    void daemonSlotTakenExitsSix(@TempDir Path dir) throws Exception {
        try (AuditSocket holder = AuditSocket.daemon(AuditSocketOptions.defaults())) {
            Process p = dmaudit("listen", "--mode", "daemon").redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.DAEMON_SLOT_TAKEN);
            assertThat(out.lines().toList()).hasSize(1);
            assertThat(out).contains(Long.toString(ProcessHandle.current().pid()));
        }
        assertThat(status().pid()).isZero();
    }

    @Test
    void withoutPrivilegeExitsFour() throws Exception {
        assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) drops the privileges");
        // nobody cannot read root's Maven repository: run from a world-readable copy of the classpath.
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "dmaudit-nobody-");
        try {
            StringBuilder cp = new StringBuilder();
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path src = Path.of(entry);
                Path dst = shared.resolve((i++) + "-" + src.getFileName());
                copyTree(src, dst);
                cp.append(cp.length() == 0 ? "" : File.pathSeparator).append(dst);
            }
            new ProcessBuilder("chmod", "-R", "a+rX", shared.toString()).start().waitFor();
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", JAVA, "-cp", cp.toString(), Main.class.getName(), "listen"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.NO_PERMISSION);
            assertThat(out).contains("CAP_AUDIT_READ");
            // One error line; warnings (e.g. the JNA directory) are one "dmaudit: warning:" line each.
            assertThat(out.lines().filter(l -> l.startsWith("dmaudit: ") && !l.startsWith("dmaudit: warning: ")).count())
                    .isEqualTo(1);
            assertThat(out.lines()).as(out).allMatch(l -> l.startsWith("dmaudit: "));
        } finally {
            new ProcessBuilder("rm", "-rf", shared.toString()).start().waitFor();
        }
    }

    private static void copyTree(Path src, Path dst) throws IOException {
        if (!Files.isDirectory(src)) {
            Files.copy(src, dst);
            return;
        }
        try (var walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    @Test
    void outsideTheInitialNetworkNamespaceExitsFive() throws Exception {
        assumeTrue(new File("/usr/bin/unshare").canExecute(), "unshare (util-linux) makes a network namespace");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "--net", JAVA, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "listen"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.AUDIT_UNSUPPORTED);
        assertThat(out).containsIgnoringCase("namespace");
    }
}
