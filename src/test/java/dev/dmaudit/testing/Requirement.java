package dev.dmaudit.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs of this host (a program, root, a kernel feature): where it is missing the test
 * is skipped with the reason, except under CI ({@code CI=true}), whose set-up installs it: there a
 * test that cannot run fails instead.
 */
public final class Requirement {
    private Requirement() {
    }

    /** @param missing why the test cannot run here, or null when it can */
    public static void met(String missing) {
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true, and this test cannot run: " + missing);
        }
        assumeTrue(false, missing);
    }
}
