package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class VersionAndHelpTest {
    @Test
    void versionIsThePomVersion() throws Exception {
        // The project's own version: the first <version> after <artifactId>dmaudit</artifactId>.
        Matcher m = Pattern.compile("<artifactId>dmaudit</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        assertThat(run("--version")).isEqualTo("dmaudit " + m.group(1) + "\n");
        assertThat(run("status", "--version")).isEqualTo("dmaudit " + m.group(1) + "\n");
    }

    /** Runs the command line; version and help go to its own writer, which is read without flushing. */
    private static String run(String... args) {
        var cl = Main.newCommandLine(Streams.system());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void statusHelpDescriptionIsWholeSentences() {
        String help = run("status", "--help");
        String description = help.substring(help.indexOf('\n') + 1, help.indexOf("  -"));
        assertThat(description.strip()).endsWith(".");
        // picocli prints each description element as its own line: none may end mid-sentence.
        for (String line : description.strip().split("\n")) {
            assertThat(line.strip()).as(line).matches(".*[.:]$");
        }
    }
}
