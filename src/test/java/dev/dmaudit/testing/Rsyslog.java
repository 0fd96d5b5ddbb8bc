package dev.dmaudit.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real rsyslogd of the test's own: generated config in a private directory, listening on
 * 127.0.0.1 on free ports with imudp, imtcp (plain) and imtcp with the gtls driver (server
 * certificate from a CA generated with openssl; one TLS port without and one with client
 * certificate checking). Every message is written as one JSON object per line: mmpstrucdata's
 * parse of the structured data under {@code rfc5424-sd}, and the header fields, the raw
 * {@code %structured-data%} and {@code %msg%} as rsyslog parsed them. Stopped within a bounded
 * time ({@link #close}). Debian packages {@code rsyslog} and {@code rsyslog-gnutls}; without them
 * the test is skipped, saying why (under CI=true it fails instead).
 */
public final class Rsyslog implements AutoCloseable {
    private static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
    private static final String[] MODULES = {"imudp.so", "imtcp.so", "mmpstrucdata.so", "lmnsd_gtls.so"};
    /** The MSGID of the datagrams that check imudp is up; {@link #messages} leaves them out. */
    private static final String PROBE = "probe";

    private final Path dir;
    private final Path out;
    /** Ports: udp, tcp, tls, tls with client certificates. */
    public final int udp;
    public final int tcp;
    public final int tls;
    public final int tlsClientAuth;
    private Process process;

    /** Skips the calling test (fails it under CI=true) when rsyslogd or one of its modules is missing. */
    public static void assumeInstalled() {
        String missing = null;
        if (!Files.isExecutable(RSYSLOGD)) {
            missing = "rsyslogd is not installed (Debian packages rsyslog, rsyslog-gnutls)";
        } else {
            Path mods = moduleDir();
            for (String m : MODULES) {
                if (mods == null || !Files.exists(mods.resolve(m))) {
                    missing = "rsyslog module " + m + " is missing (Debian packages rsyslog, rsyslog-gnutls)";
                }
            }
        }
        Requirement.met(missing);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    }

    private static Path moduleDir() {
        for (String d : new String[] {"/usr/lib/x86_64-linux-gnu/rsyslog", "/usr/lib/aarch64-linux-gnu/rsyslog", "/usr/lib/rsyslog"}) {
            if (Files.isDirectory(Path.of(d))) {
                return Path.of(d);
            }
        }
        return null;
    }

    /**
     * Generates certificates and the config in dir and starts rsyslogd.
     *
     * @param dir a private temporary directory
     * @return the running collector
     * @throws IOException when it cannot be set up or does not come up within 15 s
     */
    public static Rsyslog start(Path dir) throws IOException {
        Rsyslog r = new Rsyslog(dir);
        try {
            r.certificates();
            r.config();
            r.startProcess();
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private Rsyslog(Path dir) throws IOException {
        this.dir = dir;
        this.out = dir.resolve("messages.jsonl");
        Files.createDirectories(dir.resolve("work"));
        try (DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket c = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            udp = u.getLocalPort();
            tcp = a.getLocalPort();
            tls = b.getLocalPort();
            tlsClientAuth = c.getLocalPort();
        }
    }

    /** @return the CA that signed the server and client certificates (PEM) */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** @return a client certificate the tlsClientAuth port accepts (PEM) */
    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    /** @return its key, PKCS#8 PEM */
    public Path clientKey() {
        return dir.resolve("client.key");
    }

    private void certificates() throws IOException {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("ca.key").toString(), "-out", caFile().toString(), "-days", "2", "-subj", "/CN=dmaudit test CA");
        for (String who : new String[] {"server", "client"}) {
            run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", dir.resolve(who + ".key").toString(), "-out", dir.resolve(who + ".csr").toString(),
                    "-subj", "/CN=" + (who.equals("server") ? "localhost" : "dmaudit test client"));
            List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", dir.resolve(who + ".csr").toString(),
                    "-CA", caFile().toString(), "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial",
                    "-out", dir.resolve(who + ".pem").toString(), "-days", "2"));
            if (who.equals("server")) {
                sign.addAll(List.of("-extfile", dir.resolve("server.ext").toString()));
            }
            run(sign.toArray(new String[0]));
        }
    }

    private void config() throws IOException {
        String d = dir.toString();
        String conf = "global(workDirectory=\"" + d + "/work\" maxMessageSize=\"8k\""
                + " defaultNetstreamDriverCAFile=\"" + caFile() + "\""
                + " defaultNetstreamDriverCertFile=\"" + d + "/server.pem\""
                + " defaultNetstreamDriverKeyFile=\"" + d + "/server.key\")\n"
                // one worker: the file holds the messages in the order they were received
                + "main_queue(queue.workerThreads=\"1\")\n"
                + "module(load=\"imudp\")\n"
                + "module(load=\"imtcp\" maxSessions=\"64\")\n"
                + "module(load=\"mmpstrucdata\")\n"
                + "template(name=\"json\" type=\"string\" string=\"%$!%\\n\")\n"
                + "ruleset(name=\"all\") {\n"
                + "  action(type=\"mmpstrucdata\")\n"
                + "  set $!pri = $pri; set $!hostname = $hostname; set $!app = $app-name; set $!procid = $procid;\n"
                + "  set $!msgid = $msgid; set $!sd = $structured-data; set $!msg = $msg; set $!input = $inputname;\n"
                + "  set $!severity = $syslogseverity; set $!facility = $syslogfacility;\n"
                + "  action(type=\"omfile\" file=\"" + out + "\" template=\"json\")\n"
                + "}\n"
                + "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + udp + "\" ruleset=\"all\" name=\"udp\""
                // as a UDP collector should be set up: a burst must fit its socket's buffer, else it loses datagrams unseen
                + " rcvbufSize=\"16m\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tcp + "\" ruleset=\"all\" name=\"tcp\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tls + "\" ruleset=\"all\" name=\"tls\""
                + " streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tlsClientAuth + "\" ruleset=\"all\" name=\"tls-client-auth\""
                + " streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"x509/certvalid\")\n";
        Files.writeString(dir.resolve("rsyslog.conf"), conf);
    }

    private void startProcess() throws IOException {
        Files.deleteIfExists(dir.resolve("rsyslogd.pid"));
        process = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", dir.resolve("rsyslog.conf").toString(),
                "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // (60 s, not 15: at load 20+ rsyslogd was once not listening within 15 s)
        // the stream ports accept connections once rsyslogd listens
        for (int port : new int[] {tcp, tls, tlsClientAuth}) {
            while (!accepts(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("rsyslogd did not come up: " + log());
                }
                sleep(50);
            }
        }
        // imudp: probe datagrams until one is written out
        int before = probes();
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] probe = ("<14>1 - - test - " + PROBE + " - ready").getBytes(StandardCharsets.US_ASCII);
            while (probes() == before) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("rsyslogd's imudp did not answer: " + log());
                }
                s.send(new DatagramPacket(probe, probe.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), udp)));
                sleep(100);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private int probes() throws IOException {
        return (int) all().stream().filter(m -> PROBE.equals(m.get("msgid"))).count();
    }

    /**
     * Sends rsyslogd a signal by its pid ({@code kill -SIG PID}, an argument list, 10 s at most).
     *
     * @param signal such as {@code STOP} (a hung collector: connections stay open, nothing is read) or {@code CONT}
     * @throws IOException when kill fails
     */
    public void signal(String signal) throws IOException {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
        try {
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                k.destroyForcibly();
                throw new IOException("kill -" + signal + " failed: " + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops rsyslogd (SIGTERM, then SIGKILL after 10 s) and waits for it; the ports stay this collector's. */
    public void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts it again on the same ports, appending to the same file.
     *
     * @throws IOException when it does not come up
     */
    public void restart() throws IOException {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
    }

    /** @return rsyslogd's own output so far (for assertion messages) */
    public String log() {
        try {
            Path l = dir.resolve("rsyslogd.log");
            return Files.exists(l) ? Files.readString(l) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * @return every message received so far except the readiness probes, in the order written
     * @throws IOException when the file cannot be read
     */
    public List<Map<String, Object>> messages() throws IOException {
        return all().stream().filter(m -> !PROBE.equals(m.get("msgid"))).toList();
    }

    /**
     * Waits until at least n messages are there, or the time is up.
     *
     * @param n       how many
     * @param timeout at most this long
     * @return the messages then
     * @throws IOException when the file cannot be read
     */
    public List<Map<String, Object>> await(int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Map<String, Object>> got = messages();
        while (got.size() < n && System.nanoTime() < deadline) {
            sleep(50);
            got = messages();
        }
        return got;
    }

    /**
     * @return lines written so far (messages and probes), counted without parsing: for benchmarks
     * @throws IOException when the file cannot be read
     */
    public long lines() throws IOException {
        if (!Files.exists(out)) {
            return 0;
        }
        long n = 0;
        try (var in = Files.newInputStream(out)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private List<Map<String, Object>> all() throws IOException {
        if (!Files.exists(out)) {
            return List.of();
        }
        List<Map<String, Object>> list = new ArrayList<>();
        JsonFactory f = new JsonFactory();
        // one read, complete lines only: rsyslogd may be writing the last one right now
        // (cut as bytes: a half-written line may end inside a UTF-8 sequence)
        byte[] bytes = Files.readAllBytes(out);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try (JsonParser p = f.createParser(line)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    list.add(object(p));
                } else {
                    throw new IOException("not a JSON object: " + line);
                }
            }
        }
        return list;
    }

    /** A JSON object of strings and objects (what rsyslog's %$!% holds). */
    private static Map<String, Object> object(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            m.put(name, t == JsonToken.START_OBJECT ? object(p) : p.getValueAsString());
        }
        return m;
    }

    private void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command[0] + " timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
