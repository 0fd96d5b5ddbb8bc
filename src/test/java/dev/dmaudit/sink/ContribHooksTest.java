package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventFilter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The example hooks in contrib/hooks, run for real, with hostile names. */
@Timeout(60)
class ContribHooksTest {
    private static final Path HOOKS = Path.of("contrib", "hooks").toAbsolutePath();

    /** Runs a hook as ExecSink would (fixed env, no shell); returns its exit code. */
    private static int run(String hook, Map<String, String> env, Path touched) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(HOOKS.resolve(hook).toString()))
                .redirectInput(new File("/dev/null")).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(touched).doesNotExist(); // no injected command ran
        return p.exitValue();
    }

    private static String hostileDevice(Path touched) {
        return "1:2$(touch '" + touched + "');`touch '" + touched + "'`";
    }

    @Test
    void hostileDeviceNumbersAreRefusedAndNamesAreOnlyData(@TempDir Path dir) throws Exception {
        Path touched = dir.resolve("pwned");
        for (String hook : List.of("remount-ro.sh", "lvchange-syncaction-check.sh")) {
            assertThat(run(hook, Map.of("DMAUDIT_DEVICE", hostileDevice(touched), "DMAUDIT_KIND", "dm_data",
                    "DMAUDIT_RESULT", "failed"), touched)).as(hook).isEqualTo(2);
        }
        // not an LVM LV (or no LVM here): nothing to scrub, not an error
        assertThat(run("lvchange-syncaction-check.sh", Map.of("DMAUDIT_DEVICE", "254:99"), touched)).isZero();
        assertThat(run("notify.sh", Map.of("DMAUDIT_DEVICE", "254:0", "DMAUDIT_RESULT", "failed",
                "DMAUDIT_DEVICE_NAME", "x\nforged line $(touch '" + touched + "') `touch '" + touched + "'`"), touched)).isZero();
    }

    /**
     * A real tmpfs mounted on a path with a blank, a quote, a backslash and a newline stands in
     * for the corrupted device: the hook, run by ExecSink for an integrity failure with that
     * device number, remounts it read-only; an event that succeeded leaves it alone.
     */
    @Test
    void remountReadOnlyRemountsTheDevicesFilesystem(@TempDir Path dir) throws Exception {
        assumeTrue(dev.dmaudit.os.TrustedPath.effectiveUid() == 0, "mounting needs root");
        Path mnt = Files.createDirectories(dir.resolve("vault 'x\\y\nz"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "dmaudit-test", mnt.toString())
                .redirectErrorStream(true).start();
        String why = new String(m.getInputStream().readAllBytes());
        assumeTrue(m.waitFor() == 0, "cannot mount a tmpfs here: " + why);
        try {
            String devNum = deviceOf(mnt);
            Path probe = mnt.resolve("probe");
            ExecSink ok = new ExecSink(new ExecSink.Settings(List.of(HOOKS.resolve("remount-ro.sh")), null,
                    Duration.ofSeconds(20), 1, 10, 4));
            ok.accept(ExecSinkTest.eventWithDevice(1, devNum, 1));
            ok.close();
            assertThat(ok.failed()).isZero();
            Files.writeString(probe, "still writable"); // res=1: not remounted
            ExecSink bad = new ExecSink(new ExecSink.Settings(List.of(HOOKS.resolve("remount-ro.sh")),
                    new EventFilter(false, Set.of(), Set.of("integrity-checksum"), null, Set.of()),
                    Duration.ofSeconds(20), 1, 10, 4));
            Event failure = ExecSinkTest.eventWithDevice(2, devNum, 0);
            bad.accept(failure);
            bad.close();
            assertThat(bad.started()).isEqualTo(1);
            assertThat(bad.failed()).isZero();
            assertThat(Files.isWritable(mnt) && canWrite(mnt.resolve("probe2"))).isFalse();
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean canWrite(Path p) {
        try {
            Files.writeString(p, "x");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** MAJ:MIN of the filesystem mounted at {@code mnt}, from mountinfo as the hook reads it. */
    private static String deviceOf(Path mnt) throws IOException {
        String escaped = mnt.toString().replace("\\", "\\134").replace(" ", "\\040").replace("\n", "\\012");
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f[4].equals(escaped)) {
                return f[2];
            }
        }
        throw new AssertionError("not in mountinfo: " + escaped);
    }
}
