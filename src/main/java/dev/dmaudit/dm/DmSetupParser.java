package dev.dmaudit.dm;

import dev.dmaudit.record.DeviceNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Decodes the text output of dmsetup's version, targets, ls and info commands. */
final class DmSetupParser {
    /** Printed on stdout by ls, info, table and status when there are no devices. */
    static final String NO_DEVICES = "No devices found";
    private static final Pattern LS = Pattern.compile("^(.*?)\\s+\\((\\d+)[:, ]\\s*(\\d+)\\)$");
    /**
     * {@code name;major;minor;attr;open;segments;events;uuid}. The numeric middle anchors the line,
     * so a ';' in a name or UUID still parses.
     */
    private static final Pattern INFO = Pattern.compile(
            "^(.*?);(\\d+);(\\d+);([L-][I-][s-][rw-]);(\\d+);(\\d+);(\\d+);(.*)$");

    private DmSetupParser() {
    }

    /** @return the non-blank lines, without the "No devices found" notice */
    static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank() && !l.strip().equals(NO_DEVICES)).toList();
    }

    static DmToolException unexpected(String what, String line) {
        return new DmToolException("unexpected dmsetup " + what + " line: "
                + DeviceNames.quoted(KeyRedactor.redactFreeText(line)));
    }

    static Optional<DmVersion> version(String text) {
        String library = null;
        String driver = null;
        for (String line : lines(text)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 1).strip();
            if (line.startsWith("Library version")) {
                library = value;
            } else if (line.startsWith("Driver version")) {
                driver = value;
            }
        }
        return library == null ? Optional.empty() : Optional.of(new DmVersion(library, Optional.ofNullable(driver)));
    }

    static List<DmTargetVersion> targets(String text) throws DmToolException {
        List<DmTargetVersion> out = new ArrayList<>();
        for (String line : lines(text)) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 2) {
                throw unexpected("targets", line);
            }
            out.add(new DmTargetVersion(f[0], f[1]));
        }
        return out;
    }

    static List<DmDevice> ls(String text) throws DmToolException {
        return matchEach(text, LS, "ls", m -> new DmDevice(m.group(1), deviceId(m.group(2), m.group(3))));
    }

    static List<DmInfo> info(String text) throws DmToolException {
        return matchEach(text, INFO, "info", m -> new DmInfo(m.group(1), deviceId(m.group(2), m.group(3)),
                m.group(4), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                Long.parseLong(m.group(7)), m.group(8).strip()));
    }

    /** Every line must match: a line we cannot read is an error, never a silent guess. */
    private static <T> List<T> matchEach(String text, Pattern pattern, String what, Function<Matcher, T> decode)
            throws DmToolException {
        List<T> out = new ArrayList<>();
        for (String line : lines(text)) {
            Matcher m = pattern.matcher(line);
            if (!m.matches()) {
                throw unexpected(what, line);
            }
            out.add(decode.apply(m));
        }
        return out;
    }

    private static DeviceNumber deviceId(String major, String minor) {
        return new DeviceNumber(Integer.parseInt(major), Integer.parseInt(minor));
    }
}
