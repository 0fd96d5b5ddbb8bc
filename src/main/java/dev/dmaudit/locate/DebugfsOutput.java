package dev.dmaudit.locate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for what {@code debugfs -f CMDFILE} prints: each command is echoed as a
 * {@code debugfs: COMMAND} line before its output. Only commands whose output holds no names come
 * before {@code ncheck}, so a file name cannot forge a section: {@code ncheck} is always last.
 */
final class DebugfsOutput {
    private DebugfsOutput() {
    }

    /** Splits the output at the echoed command lines: command text → its output, in order. */
    static List<Map.Entry<String, String>> sections(String out) {
        List<Map.Entry<String, String>> sections = new ArrayList<>();
        String cmd = null;
        StringBuilder body = new StringBuilder();
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("debugfs: ") && (cmd == null || !cmd.startsWith("ncheck"))) {
                if (cmd != null) {
                    sections.add(Map.entry(cmd, body.toString()));
                }
                cmd = line.substring("debugfs: ".length());
                body.setLength(0);
            } else if (cmd != null) {
                body.append(line).append('\n');
            }
        }
        if (cmd != null) {
            sections.add(Map.entry(cmd, body.toString()));
        }
        return sections;
    }

    private static final Pattern ICHECK = Pattern.compile("^(\\d+)\\t(\\d+|<block not found>)\\s*$");

    /** @return block → inode (0 when {@code <block not found>}) from an icheck section */
    static Map<Long, Long> icheck(String body) {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            Matcher m = ICHECK.matcher(line);
            if (m.find()) {
                out.put(Long.parseLong(m.group(1)), m.group(2).startsWith("<") ? 0L : Long.parseLong(m.group(2)));
            }
        }
        return out;
    }

    /** @return true when a testb section says the block is in use, false when not, null when unclear */
    static Boolean testb(String body) {
        if (body.contains("marked in use")) {
            return true;
        }
        return body.contains("not in use") ? Boolean.FALSE : null;
    }

    private static final Pattern NCHECK = Pattern.compile("^(\\d+)\\t(/.*)$");

    /** @return inode → its paths (from the filesystem root), from an ncheck section */
    static Map<Long, List<String>> ncheck(String body) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            Matcher m = NCHECK.matcher(line);
            if (m.find()) {
                String path = m.group(2);
                while (path.startsWith("//")) { // debugfs prints //name for an entry of the root
                    path = path.substring(1);
                }
                out.computeIfAbsent(Long.parseLong(m.group(1)), k -> new ArrayList<>()).add(path);
            }
        }
        return out;
    }

    /**
     * What {@code stat <INODE>} says about where the inode's blocks are.
     *
     * @param type    the Type: word (regular, directory, symlink, …)
     * @param fileAcl the extended-attribute block (0: none)
     * @param maps    the block map: data runs and tree blocks
     */
    record Stat(String type, long fileAcl, List<Run> maps) {
        /** @return the run holding the physical block, or null */
        Run find(long block) {
            for (Run r : maps) {
                if (block >= r.physical && block < r.physical + r.length) {
                    return r;
                }
            }
            return null;
        }
    }

    /**
     * One entry of the block map.
     *
     * @param logical  first logical block, or -1 for a tree block
     * @param physical first physical block
     * @param length   blocks
     * @param label    the tree block's label (ETB0, IND, DIND, TIND) or null for data
     */
    record Run(long logical, long physical, long length, String label) {
    }

    private static final Pattern TYPE = Pattern.compile("Type: (\\S+)");
    private static final Pattern ACL = Pattern.compile("File ACL: (\\d+)");
    private static final Pattern RUN = Pattern.compile(
            "\\(((?:ETB\\d+)|IND|DIND|TIND|(\\d+)(?:-(\\d+))?)\\)(?:\\[u\\])?:(\\d+)(?:-(\\d+))?");

    static Stat stat(String body) {
        Matcher t = TYPE.matcher(body);
        Matcher a = ACL.matcher(body);
        List<Run> runs = new ArrayList<>();
        int at = Math.max(body.indexOf("EXTENTS:"), body.indexOf("BLOCKS:"));
        if (at >= 0) {
            Matcher m = RUN.matcher(body.substring(at));
            while (m.find()) {
                long p1 = Long.parseLong(m.group(4));
                long p2 = m.group(5) == null ? p1 : Long.parseLong(m.group(5));
                if (m.group(2) == null) {
                    runs.add(new Run(-1, p1, p2 - p1 + 1, m.group(1)));
                } else {
                    runs.add(new Run(Long.parseLong(m.group(2)), p1, p2 - p1 + 1, null));
                }
            }
        }
        return new Stat(t.find() ? t.group(1) : null, a.find() ? Long.parseLong(a.group(1)) : 0, List.copyOf(runs));
    }
}
