package dev.dmaudit.dm;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decodes table parameters by target type. Keys are redacted first, on the raw tokens, so that
 * even a line that falls back to {@link RawTargetTable} carries no key.
 */
final class TargetTableParser {
    /**
     * Targets whose table syntax has no secret (kernel docs, Documentation/admin-guide/device-mapper):
     * their parameters are shown as they are. Every other type that is not crypt or integrity gets
     * {@link KeyRedactor#keyLikeRuns}. verity's root digest and salt are public by design.
     */
    static final Set<String> KEY_FREE = Set.of("linear", "striped", "zero", "error", "verity", "thin", "thin-pool",
            "cache", "snapshot", "snapshot-origin", "snapshot-merge", "mirror", "raid", "multipath", "delay", "flakey",
            "dust", "writecache", "era", "unstriped", "switch", "zoned", "clone");

    private TargetTableParser() {
    }

    static TargetTable parse(String type, List<String> rawParams, KeyDisplay display) {
        List<String> p = redact(type, rawParams, display);
        try {
            switch (type) {
                case "integrity":
                    return integrity(p);
                case "crypt":
                    return crypt(p);
                case "verity":
                    return verity(p);
                case "linear":
                    if (p.size() == 2) {
                        return new LinearTargetTable(p.get(0), Long.parseLong(p.get(1)));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            // An unfamiliar layout (newer kernel): keep the tokens rather than fail the listing.
        }
        return new RawTargetTable(p);
    }

    static List<String> redact(String type, List<String> params, KeyDisplay display) {
        if (type.equals("crypt")) {
            return KeyRedactor.cryptParams(params, display);
        }
        if (type.equals("integrity")) {
            return params.stream().map(o -> KeyRedactor.integrityOption(o, display)).collect(Collectors.toList());
        }
        return KEY_FREE.contains(type) ? params : KeyRedactor.keyLikeRuns(params, display);
    }

    private static TargetTable integrity(List<String> p) {
        int count = Integer.parseInt(p.get(4));
        IntegrityMode mode = IntegrityMode.ofCode(p.get(3)).orElse(null);
        if (mode == null || p.size() != 5 + count) {
            return new RawTargetTable(p);
        }
        return new IntegrityTargetTable(p.get(0), Long.parseLong(p.get(1)), Integer.parseInt(p.get(2)), mode,
                p.subList(5, p.size()));
    }

    private static TargetTable crypt(List<String> p) {
        List<String> options = optionalArgs(p, 5);
        return new CryptTargetTable(p.get(0), p.get(1), Long.parseLong(p.get(2)), p.get(3), Long.parseLong(p.get(4)),
                options);
    }

    private static TargetTable verity(List<String> p) {
        return new VerityTargetTable(Integer.parseInt(p.get(0)), p.get(1), p.get(2), Integer.parseInt(p.get(3)),
                Integer.parseInt(p.get(4)), Long.parseLong(p.get(5)), Long.parseLong(p.get(6)), p.get(7), p.get(8),
                p.get(9), optionalArgs(p, 10));
    }

    /** {@code [<#opts> <opts...>]} starting at {@code at}; the count must match. */
    private static List<String> optionalArgs(List<String> p, int at) {
        if (p.size() == at) {
            return List.of();
        }
        int count = Integer.parseInt(p.get(at));
        if (p.size() != at + 1 + count) {
            throw new IndexOutOfBoundsException("optional argument count " + count);
        }
        return p.subList(at + 1, p.size());
    }
}
