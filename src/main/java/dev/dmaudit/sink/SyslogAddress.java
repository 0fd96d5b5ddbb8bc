package dev.dmaudit.sink;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where {@code listen --syslog} sends: {@code udp://HOST:PORT}, {@code tcp://HOST:PORT} or
 * {@code tls://HOST:PORT} (an IPv6 address in brackets). The port is required: 514 (udp, tcp)
 * and 6514 (tls) are the usual ones.
 *
 * @param transport how
 * @param host      a name or address literal (without brackets)
 * @param port      1–65535
 */
public record SyslogAddress(Transport transport, String host, int port) {
    /** RFC 5426 (UDP), RFC 6587 octet counting (TCP), RFC 5425 (TLS). */
    public enum Transport {
        /** One datagram per message. */
        UDP,
        /** Octet-counted frames on a TCP stream. */
        TCP,
        /** Octet-counted frames in TLS. */
        TLS
    }

    /**
     * @param text {@code udp|tcp|tls://HOST:PORT}
     * @return the address
     * @throws IllegalArgumentException with a one-line reason when it is malformed
     */
    public static SyslogAddress parse(String text) {
        String expected = "expected udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT";
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL (" + e.getReason() + "); " + expected);
        }
        Transport t;
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "udp" -> t = Transport.UDP;
            case "tcp" -> t = Transport.TCP;
            case "tls" -> t = Transport.TLS;
            default -> throw new IllegalArgumentException("'" + text + "': unknown scheme '" + scheme + "'; " + expected);
        }
        String host = uri.getHost();
        if (host == null || uri.getPort() < 1 || uri.getPort() > 65535 || uri.getUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + text + "': " + expected + " (a port 1-65535, nothing after it)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new SyslogAddress(t, host, uri.getPort());
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return transport.name().toLowerCase(Locale.ROOT) + "://" + h + ":" + port;
    }
}
