package dev.dmaudit.cli;

import dev.dmaudit.api.Metrics;
import dev.dmaudit.metrics.PrometheusSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code listen --metrics}: a Prometheus endpoint (metrics.PrometheusSink). */
final class MetricsOptions {
    private static final System.Logger LOG = System.getLogger(MetricsOptions.class.getName());

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--metrics", paramLabel = "ADDRESS:PORT",
            description = {"Serve Prometheus metrics at http://ADDRESS:PORT/metrics (e.g. 127.0.0.1:9464; an IP address"
                    + " or localhost, IPv6 as [::1]:9464). Off by default; the endpoint has no authentication, so an"
                    + " address other than loopback is warned about. Names start with dmaudit_ (README \"Metrics\")."})
    String address;

    @Option(names = "--metrics-max-devices", paramLabel = "N",
            description = "Devices with series of their own; events of further devices count under device=\"other\""
                    + " (default: ${DEFAULT-VALUE}).")
    int maxDevices = 256;

    /**
     * @param context what listen passes its outputs
     * @return the metrics sink with its server listening, or null without --metrics
     * @throws ParameterException for a malformed address (exit 2)
     * @throws CliFailure exit 11 when the address cannot be bound
     */
    PrometheusSink sink(ListenSinks.Context context, Supplier<Long> unacknowledged) {
        if (address == null) {
            return null;
        }
        if (maxDevices < 1) {
            throw usage("--metrics-max-devices must be at least 1");
        }
        InetSocketAddress where = parse(address);
        if (!where.getAddress().isLoopbackAddress()) {
            LOG.log(System.Logger.Level.WARNING, "--metrics " + address + " is reachable beyond this host and has no"
                    + " authentication: bind it to 127.0.0.1 unless a firewall guards the port");
        }
        PrometheusSink.Source source = new PrometheusSink.Source() {
            @Override
            public Metrics metrics() {
                return context.metrics().get(); // null while the listener is not built yet: a scrape then has no listener counters
            }

            @Override
            public Boolean auditEnabled() {
                return context.auditEnabled().get();
            }

            @Override
            public Long unacknowledgedFailures() {
                return unacknowledged.get();
            }
        };
        try {
            return new PrometheusSink(where, maxDevices, context.mode(), source);
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot serve --metrics on " + address + ": " + IoErrors.reason(e), e);
        }
    }

    /** HOST:PORT with HOST an IP literal or localhost (no name lookups: they could hang or mislead). */
    private InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw usage("--metrics takes ADDRESS:PORT, e.g. 127.0.0.1:9464 (got '" + text + "')");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw usage("--metrics: write an IPv6 address in brackets, e.g. [::1]:9464 (got '" + text + "')");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw usage("--metrics: port must be 0..65535 (got '" + text + "')");
        }
        boolean literal = host.equals("localhost") || host.matches("[0-9.]+")
                || host.contains(":") && host.matches("[0-9a-fA-F:.]+");
        if (!literal) {
            throw usage("--metrics: give an IP address or localhost, not a host name (got '" + text + "')");
        }
        try {
            return new InetSocketAddress(host.equals("localhost") ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host), port);
        } catch (UnknownHostException e) { // a literal that does not parse: getByName looks nothing up for these
            throw usage("--metrics: not an IP address: '" + host + "'");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
