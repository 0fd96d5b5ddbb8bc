package dev.dmaudit.dm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to {@code dmsetup}: version, targets, ls, info, table and status. Table keys are
 * redacted unless {@link KeyDisplay#SHOW} is asked for, and only then is {@code --showkeys} passed.
 */
public final class DmSetup {
    /** Explicit fields and a separator: the default column layout is for people, not parsers. */
    static final List<String> INFO_ARGS = List.of("-c", "--noheadings", "--separator", ";",
            "-o", "name,major,minor,attr,open,segments,events,uuid");
    private final CommandRunner runner;
    private final Duration timeout;

    /**
     * @param runner  how to run dmsetup
     * @param timeout limit for each run
     */
    public DmSetup(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /**
     * {@code dmsetup version}. Without device-mapper in the kernel the tool fails but still names
     * its library; that case is a result with no driver, not an error.
     *
     * @return library and driver versions
     * @throws DmToolException when dmsetup cannot be run or reports no library version
     */
    public DmVersion version() throws DmToolException {
        CommandResult r = ToolCall.run(runner, Tool.DMSETUP, timeout, "version", List.of());
        DmVersion v = DmSetupParser.version(r.stdout()).orElse(null);
        if (v == null || (r.exitCode() != 0 && v.driver().isPresent())) {
            throw new ToolFailedException(Tool.DMSETUP.command(), "version", r.exitCode(), r.stderr());
        }
        return v;
    }

    /**
     * @return the target types the kernel has loaded ({@code dmsetup targets})
     * @throws DmToolException when dmsetup fails
     */
    public List<DmTargetVersion> targets() throws DmToolException {
        return DmSetupParser.targets(ok("targets", List.of()).stdout());
    }

    /**
     * @return every device with its number ({@code dmsetup ls})
     * @throws DmToolException when dmsetup fails
     */
    public List<DmDevice> ls() throws DmToolException {
        return DmSetupParser.ls(ok("ls", List.of()).stdout());
    }

    /**
     * @param which the devices to show
     * @return their info ({@code dmsetup info -c} with explicit fields)
     * @throws DmToolException when dmsetup fails, e.g. the device does not exist
     */
    public List<DmInfo> info(DmSelector which) throws DmToolException {
        List<String> args = new ArrayList<>(INFO_ARGS);
        args.addAll(which.args());
        return DmSetupParser.info(ok("info", args).stdout());
    }

    /**
     * Table segments. For all devices the table is queried per device number from {@link #ls()},
     * never parsed from dmsetup's all-devices output, whose "name: " prefix a device name can
     * forge ({@code evil: 0 1 zero} would shift the next crypt line's key into a key-free target).
     *
     * @param which   the devices to show
     * @param display whether keys are shown ({@code --showkeys}) or redacted
     * @return their table segments
     * @throws DmToolException when dmsetup fails
     */
    public List<DmTableLine> table(DmSelector which, KeyDisplay display) throws DmToolException {
        List<String> flags = display == KeyDisplay.SHOW ? List.of("--showkeys") : List.of();
        List<DmTableLine> out = new ArrayList<>();
        for (Segment s : segments("table", flags, which)) {
            out.add(new DmTableLine(s.device(), s.start(), s.length(), s.targetType(),
                    TargetTableParser.parse(s.targetType(), s.params(), display)));
        }
        return out;
    }

    /**
     * Status segments; for all devices queried per device, as {@link #table}.
     *
     * @param which the devices to show
     * @return their status segments
     * @throws DmToolException when dmsetup fails
     */
    public List<DmStatusLine> status(DmSelector which) throws DmToolException {
        List<DmStatusLine> out = new ArrayList<>();
        for (Segment s : segments("status", List.of(), which)) {
            out.add(new DmStatusLine(s.device(), s.start(), s.length(), s.targetType(),
                    TargetStatusParser.parse(s.targetType(), s.params())));
        }
        return out;
    }

    /**
     * Runs {@code action} for one device, or once per device of {@code ls} (by number: lines
     * without the name prefix, labelled with the name ls gave).
     */
    private List<Segment> segments(String action, List<String> flags, DmSelector which) throws DmToolException {
        List<Segment> out = new ArrayList<>();
        if (which.single().isPresent()) {
            return Segment.parseAll(ok(action, concat(flags, which.args())).stdout(), which.single().get());
        }
        for (DmDevice d : ls()) {
            DmSelector one = DmSelector.id(d.id());
            out.addAll(Segment.parseAll(ok(action, concat(flags, one.args())).stdout(), d.name()));
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private CommandResult ok(String action, List<String> args) throws DmToolException {
        return ToolCall.runOk(runner, Tool.DMSETUP, timeout, action, args);
    }
}
