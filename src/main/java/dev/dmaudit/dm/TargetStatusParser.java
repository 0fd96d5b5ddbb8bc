package dev.dmaudit.dm;

import java.util.List;
import java.util.OptionalLong;

/** Decodes status parameters by target type; anything unfamiliar is kept as {@link RawTargetStatus}. */
final class TargetStatusParser {
    private TargetStatusParser() {
    }

    static TargetStatus parse(String type, List<String> p) {
        try {
            switch (type) {
                case "integrity":
                    if (p.size() == 3) {
                        return new IntegrityTargetStatus(Long.parseLong(p.get(0)), Long.parseLong(p.get(1)),
                                optionalNumber(p.get(2)));
                    }
                    break;
                case "crypt":
                    if (p.isEmpty()) {
                        return new CryptTargetStatus();
                    }
                    break;
                case "linear":
                    if (p.isEmpty()) {
                        return new LinearTargetStatus();
                    }
                    break;
                case "verity":
                    return verity(p);
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // An unfamiliar layout: keep the tokens.
        }
        return new RawTargetStatus(p);
    }

    private static TargetStatus verity(List<String> p) {
        VerityState state = p.isEmpty() ? null : VerityState.ofCode(p.get(0));
        if (state == null || p.size() > 2) {
            return new RawTargetStatus(p);
        }
        return new VerityTargetStatus(state, p.size() == 2 ? optionalNumber(p.get(1)) : OptionalLong.empty());
    }

    /** "-" means "not applicable" in dm status lines. */
    private static OptionalLong optionalNumber(String s) {
        return s.equals("-") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
    }
}
