package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.dm.CommandRunner;
import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.dm.ToolTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NssIdNamesTest {
    /** The real getent, counting its runs. */
    private final List<List<String>> calls = new ArrayList<>();
    private final CommandRunner counting = (argv, timeout) -> {
        calls.add(argv);
        return new ProcessCommandRunner().run(argv, timeout);
    };

    @Test
    void namesComeFromTheSystemAndAreAskedOnce() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/getent")), "no /usr/bin/getent");
        NssIdNames names = new NssIdNames(counting, System::nanoTime);
        assertThat(names.user(0)).isEqualTo("root");
        assertThat(names.group(0)).isEqualTo("root");
        assertThat(names.user(3999999999L)).isNull(); // no such user: getent exits 2
        assertThat(names.user(0)).isEqualTo("root");
        assertThat(names.user(3999999999L)).isNull();
        assertThat(calls).containsExactly(List.of("/usr/bin/getent", "passwd", "0"), List.of("/usr/bin/getent", "group", "0"),
                List.of("/usr/bin/getent", "passwd", "3999999999"));
    }

    @Test
    void theCacheIsBounded() {
        CommandRunner fake = (argv, timeout) -> {
            calls.add(argv);
            return dev.dmaudit.dm.CommandResult.of(argv, 2, "", "");
        };
        NssIdNames names = new NssIdNames(fake, System::nanoTime);
        for (long id = 1; id <= NssIdNames.CACHE + 1; id++) {
            names.user(id);
        }
        names.user(NssIdNames.CACHE + 1); // the newest is kept ...
        assertThat(calls).hasSize(NssIdNames.CACHE + 1);
        names.user(1); // ... the eldest was evicted
        assertThat(calls).hasSize(NssIdNames.CACHE + 2);
    }

    /** A hung name service cannot be produced on demand: the runner's timeout is simulated. */
    @Test
    void aTimeoutPausesLookupsForAMinute() {
        long[] now = {0};
        CommandRunner hung = (argv, timeout) -> {
            calls.add(argv);
            throw new ToolTimeoutException("getent", timeout);
        };
        NssIdNames names = new NssIdNames(hung, () -> now[0]);
        assertThat(names.user(1000)).isNull();
        assertThat(names.user(1001)).isNull();
        now[0] += Duration.ofSeconds(59).toNanos();
        assertThat(names.group(5)).isNull();
        assertThat(calls).hasSize(1);
        now[0] += Duration.ofSeconds(2).toNanos();
        assertThat(names.user(1000)).isNull();
        assertThat(calls).hasSize(2); // asked again after the pause, not cached as "no name"
    }
}
