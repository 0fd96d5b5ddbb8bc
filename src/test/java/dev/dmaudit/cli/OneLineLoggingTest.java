package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OneLineLoggingTest {
    @Test
    void systemLoggerRecordsPrintAsOneDmauditLine() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertThat(OneLineLogging.install(new PrintStream(buf, true, StandardCharsets.UTF_8))).isTrue();
        System.Logger log = System.getLogger("dev.dmaudit.os.NativeDir");
        log.log(System.Logger.Level.WARNING, "dmaudit: no safe native library directory ({0}); falling back",
                "/run/user/0/dmaudit: not owned by uid 0");
        log.log(System.Logger.Level.ERROR, "reader stopped", new IOException("EBADF\nsecond line"));
        log.log(System.Logger.Level.DEBUG, "below the handler's level: not printed");
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(
                "dmaudit: warning: no safe native library directory (/run/user/0/dmaudit: not owned by uid 0); falling back\n"
                + "dmaudit: error: reader stopped: java.io.IOException: EBADF\\x0asecond line\n");
    }

    @Test
    void aMessageThatIsNoPatternIsPrintedAsItIs() {
        assertThat(OneLineLogging.line("WARNING", "odd {x", new Object[] {1}, null)).isEqualTo("dmaudit: warning: odd {x");
        assertThat(OneLineLogging.line("INFO", "plain", null, null)).isEqualTo("dmaudit: plain");
    }
}
