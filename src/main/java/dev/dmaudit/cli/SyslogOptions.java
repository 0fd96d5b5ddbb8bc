package dev.dmaudit.cli;

import dev.dmaudit.event.Sink;
import dev.dmaudit.sink.QueuedSink;
import dev.dmaudit.sink.SyslogAddress;
import dev.dmaudit.sink.SyslogFormat;
import dev.dmaudit.sink.SyslogSink;
import dev.dmaudit.sink.SyslogTls;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code listen --syslog}: RFC 5424 messages to a collector (sink.SyslogSink behind a QueuedSink). */
final class SyslogOptions {
    /** Events between the delivery thread and the formatter; the outage buffer is --syslog-buffer. */
    private static final int QUEUE = 4096;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--syslog", paramLabel = "URL",
            description = {"Also send each event as an RFC 5424 message to a syslog collector: udp://HOST:PORT (one datagram each),"
                    + " tcp://HOST:PORT (RFC 6587 octet counting) or tls://HOST:PORT (RFC 5425). Structured data [dmaudit@32473 …],"
                    + " MSGID dm_data|dm_control|audit, severity err for data corruption, info for ctr/dtr."})
    String url;

    @Option(names = "--syslog-facility", paramLabel = "NAME",
            description = "Facility: kern, user, daemon, auth, authpriv, local0..local7, … or 0-23 (default: daemon).")
    String facility = "daemon";

    @Option(names = "--syslog-sd-id", paramLabel = "NAME@PEN",
            description = "SD-ID of the structured data (default: ${DEFAULT-VALUE}; 32473 is RFC 5612's documentation number,"
                    + " put your organisation's private enterprise number here).")
    String sdId = SyslogFormat.DEFAULT_SD_ID;

    @Option(names = "--syslog-buffer", paramLabel = "N",
            description = "Messages kept while the collector is unreachable; beyond, drops are counted (default: ${DEFAULT-VALUE}).")
    int buffer = 10000;

    @Option(names = "--syslog-max-size", paramLabel = "BYTES",
            description = "Longer messages are cut and counted (default: 2048 for udp, RFC 5426; 8192 for tcp/tls, rsyslog's default).")
    Integer maxSize;

    @Option(names = "--syslog-ca", paramLabel = "FILE",
            description = "tls: PEM CA certificate(s) the collector's certificate must chain to (default: the JDK's trust store).")
    Path ca;

    @Option(names = "--syslog-cert", paramLabel = "FILE", description = "tls: PEM client certificate (with --syslog-key).")
    Path cert;

    @Option(names = "--syslog-key", paramLabel = "FILE",
            description = "tls: the client certificate's key, PEM PKCS#8 unencrypted (BEGIN PRIVATE KEY).")
    Path key;

    @Option(names = "--syslog-tls-name", paramLabel = "NAME",
            description = "tls: the name the collector's certificate must carry (default: the URL's host).")
    String tlsName;

    @Option(names = "--syslog-no-name-check",
            description = "tls: accept any name in the collector's certificate (its chain is still checked against --syslog-ca).")
    boolean noNameCheck;

    @Option(names = "--syslog-retry-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait between reconnection attempts; they start at 100ms and double (default: 30s).")
    Duration retryMax = Duration.ofSeconds(30);

    @Option(names = "--syslog-close-grace", paramLabel = "DURATION", converter = DurationConverter.class, hidden = true,
            description = "At exit, how long buffered messages may still be sent (default: 5s).")
    Duration closeGrace = Duration.ofSeconds(5);

    /**
     * @return the syslog sink these options describe (wrapped in a queue of its own), or null without --syslog
     * @throws ParameterException for a bad URL or value (exit 2)
     * @throws CliFailure         for a certificate or key file that cannot be read (exit 3)
     */
    Sink sink() {
        if (url == null) {
            if (ca != null || cert != null || key != null || tlsName != null || noNameCheck) {
                throw usage("--syslog-ca, --syslog-cert, --syslog-key, --syslog-tls-name and --syslog-no-name-check need --syslog tls://…");
            }
            return null;
        }
        SyslogAddress address;
        try {
            address = SyslogAddress.parse(url);
        } catch (IllegalArgumentException e) {
            throw usage("--syslog " + e.getMessage());
        }
        boolean tls = address.transport() == SyslogAddress.Transport.TLS;
        if (!tls && (ca != null || cert != null || key != null || tlsName != null || noNameCheck)) {
            throw usage("--syslog-ca, --syslog-cert, --syslog-key, --syslog-tls-name and --syslog-no-name-check are for tls://");
        }
        if ((cert == null) != (key == null)) {
            throw usage("--syslog-cert and --syslog-key go together");
        }
        if (noNameCheck && tlsName != null) {
            throw usage("--syslog-tls-name and --syslog-no-name-check contradict each other");
        }
        int fac = SyslogFormat.facility(facility);
        if (fac < 0) {
            throw usage("--syslog-facility: unknown facility '" + facility + "' (kern, user, daemon, auth, authpriv, local0..local7, or 0-23)");
        }
        String whyNot = SyslogFormat.checkSdId(sdId);
        if (whyNot != null) {
            throw usage("--syslog-sd-id '" + sdId + "': " + whyNot);
        }
        int size = maxSize != null ? maxSize : address.transport() == SyslogAddress.Transport.UDP ? 2048 : 8192;
        if (size < 480 || size > (address.transport() == SyslogAddress.Transport.UDP ? 65507 : 1 << 20)) {
            throw usage("--syslog-max-size must be 480..65507 for udp, 480..1048576 for tcp/tls");
        }
        if (buffer < 1 || retryMax.compareTo(Duration.ofMillis(100)) < 0 || closeGrace.isNegative()) {
            throw usage("--syslog-buffer must be at least 1 and --syslog-retry-max at least 100ms");
        }
        SSLContext context = null;
        if (tls) {
            try {
                context = SyslogTls.context(ca, cert, key);
            } catch (SyslogTls.BadFileException e) {
                throw new CliFailure(ExitCodes.NO_INPUT, "--syslog: " + e.getMessage(), e);
            }
        }
        SyslogFormat format = new SyslogFormat(fac, SyslogFormat.localHostname(), sdId, ProcessHandle.current().pid(), size);
        String name = !tls || noNameCheck ? null : tlsName != null ? tlsName : address.host();
        SyslogSink syslog = new SyslogSink(new SyslogSink.Settings(address, format, buffer, Duration.ofMillis(100), retryMax,
                closeGrace, context, name));
        return new QueuedSink("syslog", syslog, QUEUE, closeGrace.plusSeconds(1));
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
