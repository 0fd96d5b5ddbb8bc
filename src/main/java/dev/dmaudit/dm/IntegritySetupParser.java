package dev.dmaudit.dm;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Decodes the text output of {@code integritysetup status} and {@code dump}. */
final class IntegritySetupParser {
    private static final Pattern HEAD = Pattern.compile("^(.*) is (active|inactive)( and is in use)?\\.$");
    private static final Pattern DUMP_HEAD = Pattern.compile("^Info for integrity device (.*)\\.$");
    /** First number in a value such as {@code 512 bytes}, {@code 50%} or {@code 10000 ms}. */
    private static final Pattern NUMBER = Pattern.compile("^(\\d+)");

    private IntegritySetupParser() {
    }

    static IntegrityDeviceStatus status(String text) throws DmToolException {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        Matcher head = head(lines, HEAD, "status");
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                f.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        String integrity = f.getOrDefault("integrity", "(none)");
        return new IntegrityDeviceStatus(head.group(1), head.group(2).equals("active"), head.group(3) != null,
                f.getOrDefault("type", ""), intOf(f.get("tag size")),
                integrity.equals("(none)") ? Optional.empty() : Optional.of(integrity),
                f.getOrDefault("device", ""), Optional.ofNullable(f.get("loop")), intOf(f.get("sector size")),
                longOf(f.get("size")), f.getOrDefault("mode", ""), longOf(f.get("failures")), journal(f), f);
    }

    private static IntegrityJournal journal(Map<String, String> f) {
        if (!f.containsKey("journal size")) {
            return IntegrityJournal.NONE;
        }
        return new IntegrityJournal(true, longOf(f.get("journal size")), intOf(f.get("journal watermark")),
                longOf(f.get("journal commit time")));
    }

    static IntegrityDump dump(String text) throws DmToolException {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        Matcher head = head(lines, DUMP_HEAD, "dump");
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] kv = line.strip().split("\\s+", 2);
            f.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        String flags = f.getOrDefault("flags", "").strip();
        return new IntegrityDump(head.group(1), (int) required(f, "superblock_version"),
                (int) required(f, "integrity_tag_size"), required(f, "provided_data_sectors"),
                (int) required(f, "sector_size"), flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+")), f);
    }

    private static long required(Map<String, String> f, String key) throws DmToolException {
        OptionalLong v = longOf(f.get(key));
        if (v.isEmpty()) {
            throw new DmToolException("integritysetup dump: missing or bad " + key);
        }
        return v.getAsLong();
    }

    private static OptionalLong longOf(String value) {
        Matcher m = value == null ? null : NUMBER.matcher(value);
        return m != null && m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static OptionalInt intOf(String value) {
        OptionalLong v = longOf(value);
        return v.isPresent() && v.getAsLong() <= Integer.MAX_VALUE ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    /** The first line names the device; without it the rest cannot be trusted to be what we think. */
    private static Matcher head(List<String> lines, Pattern pattern, String action) throws DmToolException {
        String first = lines.isEmpty() ? "" : lines.get(0).strip();
        Matcher m = pattern.matcher(first);
        if (!m.matches()) {
            throw new DmToolException("unexpected integritysetup " + action + " output: "
                    + DeviceNames.quoted(KeyRedactor.redactFreeText(first)));
        }
        return m;
    }
}
