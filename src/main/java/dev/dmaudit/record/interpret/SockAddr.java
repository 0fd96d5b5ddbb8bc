package dev.dmaudit.record.interpret;

/**
 * A SOCKADDR record's {@code saddr} (the struct sockaddr as hex) the way auparse prints it:
 * {@code { saddr_fam=inet laddr=10.0.0.1 lport=22 }}; local (path), inet, inet6 and netlink are
 * decoded, other families are named.
 */
final class SockAddr {
    private static final int AF_LOCAL = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int AF_NETLINK = 16;
    /** sizeof(struct sockaddr_in), sockaddr_in6, sockaddr_nl. */
    private static final int IN_LEN = 16;
    private static final int IN6_LEN = 28;
    private static final int NL_LEN = 12;

    private SockAddr() {
    }

    static String interpret(String hex) {
        byte[] b = bytes(hex);
        if (b == null) {
            return null;
        }
        // sa_family is in host byte order: little-endian on the machines whose logs we read
        int family = b.length >= 2 ? (b[0] & 0xff) | (b[1] & 0xff) << 8 : b[0] & 0xff;
        String name = family < InterpretTables.FAMILIES.length ? InterpretTables.FAMILIES[family] : null;
        if (name == null) {
            return "unknown-family(" + family + ")";
        }
        String body = switch (family) {
            case AF_LOCAL -> local(b);
            case AF_INET -> b.length < IN_LEN ? "sockaddr len too short"
                    : "laddr=" + (b[4] & 0xff) + "." + (b[5] & 0xff) + "." + (b[6] & 0xff) + "." + (b[7] & 0xff)
                    + " lport=" + port(b);
            case AF_INET6 -> b.length < IN6_LEN ? "sockaddr6 len too short" : inet6(b);
            case AF_NETLINK -> b.length < NL_LEN ? "netlink len too short"
                    : "nlnk-fam=" + family + " nlnk-pid=" + Integer.toUnsignedLong(le32(b, 4));
            default -> "(unsupported)";
        };
        return "{ saddr_fam=" + name + " " + body + " }";
    }

    private static String local(byte[] b) {
        if (b.length <= 2 || b.length == 3 && b[2] == 0) {
            return "sockaddr len too short";
        }
        int from = b[2] == 0 ? 3 : 2; // an abstract socket's name starts with NUL
        int to = from;
        while (to < b.length && b[to] != 0) {
            to++;
        }
        return "path=" + new String(b, from, to - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String inet6(byte[] b) {
        StringBuilder s = new StringBuilder("laddr=").append(Ipv6Text.of(b, 8));
        int scope = le32(b, 24);
        if (scope != 0) {
            s.append('%').append(Integer.toUnsignedLong(scope));
        }
        return s.append(" lport=").append(port(b)).toString();
    }

    private static int port(byte[] b) {
        return (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static byte[] bytes(String hex) {
        int n = hex.length();
        if (n == 0 || n % 2 != 0 || n > 4096) {
            return null;
        }
        byte[] b = new byte[n / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return b;
    }
}
