package dev.dmaudit.dm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code dmsetup table} or {@code status}, split but not yet decoded. Never printed:
 * its params may still hold keys.
 */
record Segment(String device, long start, long length, String targetType, List<String> params) {
    /** With all devices each line starts with "name: "; the name itself may contain ": ". */
    private static final Pattern PREFIXED = Pattern.compile("^(.*?): (\\d+) (\\d+) (\\S+) ?(.*)$");
    private static final Pattern BARE = Pattern.compile("^(\\d+) (\\d+) (\\S+) ?(.*)$");

    /**
     * @param text   the tool's stdout
     * @param single label of the selected device when one was selected (lines then have no name prefix)
     * @return the segments, in order
     * @throws DmToolException when a line has an unexpected layout
     */
    static List<Segment> parseAll(String text, Optional<String> single) throws DmToolException {
        List<Segment> out = new ArrayList<>();
        for (String line : DmSetupParser.lines(text)) {
            out.add(single.isPresent() ? bare(line, single.get()) : prefixed(line));
        }
        return out;
    }

    private static Segment prefixed(String line) throws DmToolException {
        Matcher m = PREFIXED.matcher(line);
        if (!m.matches()) {
            throw DmSetupParser.unexpected("segment", line);
        }
        return new Segment(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(4),
                split(m.group(5)));
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
