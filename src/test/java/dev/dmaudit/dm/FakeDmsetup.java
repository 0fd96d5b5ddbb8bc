package dev.dmaudit.dm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers dmsetup's ls, table and status as the real tool does, from recorded all-devices outputs
 * ("name: start length type params" lines): per device ({@code -j M -m N} or a name) without the
 * prefix, and for all devices with it (what the pre-issue-18 code parsed). Names are matched
 * longest first, so a name that forges a prefix ({@code evil: 0 1 zero}) is split as the tool would.
 */
public final class FakeDmsetup implements CommandRunner {
    private final String ls;
    private final Map<String, String> all = new LinkedHashMap<>();
    /** "M:N" → name, in ls order. */
    private final Map<String, String> byId = new LinkedHashMap<>();
    /** "action\0name" → that device's lines without the prefix. */
    private final Map<String, String> perDevice = new LinkedHashMap<>();
    /** Every argv run, in order. */
    public final List<List<String>> calls = new ArrayList<>();

    /**
     * @param ls     dmsetup ls output ("name\t(M:N)" lines)
     * @param table  dmsetup table output for all devices, or null
     * @param status dmsetup status output for all devices, or null
     */
    public FakeDmsetup(String ls, String table, String status) {
        this.ls = ls;
        for (String line : ls.lines().filter(l -> !l.isBlank()).toList()) {
            int tab = line.lastIndexOf('\t');
            String id = line.substring(tab + 2, line.length() - 1).replace(", ", ":");
            byId.put(id, line.substring(0, tab));
        }
        List<String> longestFirst = new ArrayList<>(byId.values());
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        for (Map.Entry<String, String> e : Map.of("table", table == null ? "" : table, "status", status == null ? "" : status).entrySet()) {
            all.put(e.getKey(), e.getValue());
            for (String line : e.getValue().lines().toList()) {
                String name = longestFirst.stream().filter(n -> line.startsWith(n + ": ")).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no ls name for " + line));
                perDevice.merge(e.getKey() + "\0" + name, line.substring(name.length() + 2) + "\n", String::concat);
            }
        }
    }

    /**
     * For synthetic outputs without a recorded ls: names are what precedes the first ": ", numbered 254:0, 254:1, ...
     *
     * @param table  dmsetup table output for all devices
     * @param status dmsetup status output for all devices, or null
     * @return the fake
     */
    public static FakeDmsetup withNumberedNames(String table, String status) {
        List<String> names = new ArrayList<>();
        for (String text : new String[] {table, status}) {
            if (text != null) {
                text.lines().map(l -> l.substring(0, l.indexOf(": "))).filter(n -> !names.contains(n)).forEach(names::add);
            }
        }
        StringBuilder ls = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            ls.append(names.get(i)).append("\t(254:").append(i).append(")\n");
        }
        return new FakeDmsetup(ls.toString(), table, status);
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        calls.add(List.copyOf(argv));
        if (argv.equals(List.of("dmsetup", "ls"))) {
            return Fixtures.ok(ls);
        }
        String action = argv.get(1);
        List<String> rest = new ArrayList<>(argv.subList(2, argv.size()));
        rest.remove("--showkeys");
        if (rest.isEmpty()) {
            return Fixtures.ok(all.get(action));
        }
        String name = rest.size() == 4 && rest.get(0).equals("-j") ? byId.get(rest.get(1) + ":" + rest.get(3))
                : rest.size() == 1 ? rest.get(0) : null;
        if (name == null || !byId.containsValue(name)) {
            return Fixtures.failed(1, "Device does not exist.\nCommand failed.\n");
        }
        return Fixtures.ok(perDevice.getOrDefault(action + "\0" + name, ""));
    }
}
