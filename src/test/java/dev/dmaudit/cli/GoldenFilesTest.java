package dev.dmaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * go-libaudit's practice: every real log in testdata/ has a golden file beside it with what the
 * decoder makes of it (`decode --all --format json`). A change in decoding shows up as a diff to
 * review. Regenerate with -Dgolden.update=true (writes into src/test/resources/testdata).
 */
class GoldenFilesTest {

    static Stream<String> logs() throws IOException, URISyntaxException {
        Path dir = Path.of(GoldenFilesTest.class.getResource("/testdata").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList().stream();
        }
    }

    static String decode(String name, String... extra) throws IOException {
        Path log = Path.of("src/test/resources/testdata", name);
        String[] args = Stream.concat(Stream.of("decode", "--all", "--format", "json", "--quiet-errors"), Stream.of(extra))
                .toArray(String[]::new);
        args = Stream.concat(Stream.of(args), Stream.of(log.toString())).toArray(String[]::new);
        CliRun r = CliRun.run(args);
        assertThat(r.exitCode()).isZero();
        return r.out();
    }

    @ParameterizedTest
    @MethodSource("logs")
    void decodesAsTheGoldenFileSays(String name) throws IOException {
        String actual = decode(name, name.startsWith("seed-thread") || name.startsWith("lkml__dm-audit")
                ? new String[] {"--dm-types", "1336,1337"} : new String[0]);
        Path golden = Path.of("src/test/resources/testdata", name.replace(".log", ".golden"));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, actual);
        }
        assertThat(golden).as("golden file (create with -Dgolden.update=true)").exists();
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
