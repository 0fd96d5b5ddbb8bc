package dev.dmaudit.dm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Reads the recorded tool outputs under src/test/resources/dm-tools (from the classpath only). */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * @param relative path below dm-tools/
     * @return the file's text
     */
    public static String read(String relative) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/dm-tools/" + relative)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + relative);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the fake keys inside synthetic/dmsetup-table-showkeys.txt, which must never leak */
    public static List<String> keys() {
        return Arrays.asList(read("synthetic/KEYS.txt").strip().split(" "));
    }

    /** @return a successful result with that stdout */
    public static CommandResult ok(String stdout) {
        return CommandResult.of(List.of("tool"), 0, stdout, "");
    }

    /** @return a failed result with that stderr */
    public static CommandResult failed(int exit, String stderr) {
        return CommandResult.of(List.of("tool"), exit, "", stderr);
    }
}
