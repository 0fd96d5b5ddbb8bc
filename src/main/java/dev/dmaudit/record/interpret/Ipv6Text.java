package dev.dmaudit.record.interpret;

/**
 * An IPv6 address as inet_ntop(3) writes it (RFC 5952 style): lower-case hex groups, the longest
 * run of two or more zero groups (the first of equal runs) as {@code ::}, and an IPv4 tail for
 * IPv4-mapped ({@code ::ffff:a.b.c.d}) and IPv4-compatible ({@code ::a.b.c.d}) addresses.
 * java.net.Inet6Address writes every group ({@code 0:0:0:0:0:0:0:1}), which is not what auparse prints.
 */
final class Ipv6Text {
    private Ipv6Text() {
    }

    static String of(byte[] b, int at) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (b[at + 2 * i] & 0xff) << 8 | (b[at + 2 * i + 1] & 0xff);
        }
        int best = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                best = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            best = -1;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                s.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            if (i == 6 && best == 0 && (bestLen == 6 || bestLen == 5 && w[5] == 0xffff)) {
                s.append(b[at + 12] & 0xff).append('.').append(b[at + 13] & 0xff).append('.')
                        .append(b[at + 14] & 0xff).append('.').append(b[at + 15] & 0xff);
                break;
            }
            s.append(Integer.toHexString(w[i]));
            if (i < 7) {
                s.append(':');
            }
        }
        return s.toString();
    }
}
