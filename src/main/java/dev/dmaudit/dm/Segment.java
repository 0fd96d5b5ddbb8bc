package dev.dmaudit.dm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code dmsetup table} or {@code status}, split but not yet decoded. Never printed:
 * its params may still hold keys.
 */
record Segment(String device, long start, long length, String targetType, List<String> params) {
    /** One device's line (dmsetup prints no name prefix when a device is selected). */
    private static final Pattern BARE = Pattern.compile("^(\\d+) (\\d+) (\\S+) ?(.*)$");

    /**
     * @param text   the tool's stdout for one selected device
     * @param device the device's name (or label), which the lines do not carry
     * @return the segments, in order
     * @throws DmToolException when a line has an unexpected layout
     */
    static List<Segment> parseAll(String text, String device) throws DmToolException {
        List<Segment> out = new ArrayList<>();
        for (String line : DmSetupParser.lines(text)) {
            out.add(bare(line, device));
        }
        return out;
    }

    private static Segment bare(String line, String device) throws DmToolException {
        Matcher m = BARE.matcher(line);
        if (!m.matches()) {
            throw DmSetupParser.unexpected("segment", line);
        }
        return new Segment(device, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3),
                split(m.group(4)));
    }

    private static List<String> split(String params) {
        String s = params.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(" +"));
    }

    /** Never shows params: they may hold keys before redaction. */
    @Override
    public String toString() {
        return "Segment[" + device + " " + start + " " + length + " " + targetType + ", " + params.size() + " params]";
    }
}
