package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.dmaudit.record.AuditFields;
import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.MalformedRecordException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** JsonPairs writes the bytes Jackson's generator writes for the same pairs, string by string. */
class JsonPairsTest {
    private static final JsonFactory JACKSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private final AuditLogParser parser = new AuditLogParser();
    private final JsonPairs pairs = new JsonPairs();

    @Test
    void handWrittenEdgeCasesEncodeAsJacksonDoes() throws IOException {
        String[] lines = {
            "type=AVC msg=audit(1.000:1): avc:  denied  { read write } for pid=1 comm=\"a b\" exe=2F62696E "
                    + "old auid=4294967295 new auid=0 name=\"caf\u00e9\" empty= res=1",
            "type=USER msg=audit(1.000:2): pid=1 msg='op=x grantors=pam_env,pam_unix acct=\"r\\oot\"' q=\"a\\\"b\"",
            "type=PATH msg=audit(1.000:3): name=0A090D08 key=\"\u4e2d\u6587\" emoji=\"\ud83d\ude00\" tab=a\tb del=\u007f",
            // hex that decodes to every control byte, a quote, a backslash and a non-UTF-8 byte
            "type=EXECVE msg=audit(1.000:4): argc=1 a0=000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F225C7FFF",
            "type=SOCKADDR msg=audit(1.000:5): saddr=0A00 SADDR={ fam=inet6 laddr=:: lport=0 }",
            "type=DM_EVENT msg=audit(1.000:6): module=integrity op=integrity-checksum dev=254:0 sector=20000 res=0",
        };
        for (String line : lines) {
            assertSameAsJackson(parser.parse(line.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void everyRealLogFixtureEncodesAsJacksonDoes() throws IOException {
        List<Path> logs;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/testdata"))) {
            logs = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertThat(logs).hasSizeGreaterThan(10);
        int records = 0;
        for (Path log : logs) {
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                AuditRecord r = parseOrNull(line.getBytes(StandardCharsets.ISO_8859_1));
                if (r != null) {
                    assertSameAsJackson(r);
                    records++;
                }
            }
        }
        assertThat(records).as("lines of the fixtures that are records").isGreaterThan(300);
    }

    @Test
    void randomBodiesEncodeAsJacksonDoes() throws IOException {
        Random rnd = new Random(15);
        // Bytes chosen to hit every path: controls, quote, backslash, '=', spaces, hex digits, UTF-8 of
        // BMP and supplementary chars, a lone continuation byte
        byte[][] pieces = {{'"'}, {'\\'}, {'='}, {' '}, {'\''}, {'{'}, {'}'}, {0x01}, {0x09}, {0x0a}, {0x1f}, {0x7f},
                {'a'}, {'Z'}, {'0'}, {'F'}, {(byte) 0xc3, (byte) 0xa9}, {(byte) 0xe4, (byte) 0xb8, (byte) 0xad},
                {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80}, {(byte) 0x80}, "k=v ".getBytes(), "x=\"a b\" ".getBytes(),
                "h=41420A ".getBytes()};
        int compared = 0;
        for (int n = 0; n < 5000; n++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes("type=USER msg=audit(1.000:7): ".getBytes(StandardCharsets.US_ASCII));
            int parts = rnd.nextInt(40);
            for (int i = 0; i < parts; i++) {
                body.writeBytes(pieces[rnd.nextInt(pieces.length)]);
            }
            AuditRecord r = parseOrNull(body.toByteArray());
            if (r != null) {
                assertSameAsJackson(r);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(4000);
    }

    @Test
    void aRecordLargerThanTheInitialBufferGrowsIt() throws IOException {
        String big = "x".repeat(20_000);
        assertSameAsJackson(parser.parse(("type=USER msg=audit(1.000:8): a=\"" + big + "\" b=" + "00".repeat(3000))
                .getBytes(StandardCharsets.US_ASCII)));
    }

    private AuditRecord parseOrNull(byte[] line) {
        try {
            return parser.parse(line);
        } catch (MalformedRecordException notARecord) { // not what is tested here
            return null;
        }
    }

    private void assertSameAsJackson(AuditRecord r) throws IOException {
        for (AuditFields f : new AuditFields[] {r.fields(), r.enriched()}) {
            assertThat(pairs.encode(f).getValue()).as("%s", r).isEqualTo(jackson(f));
            assertThat(pairs.length()).isEqualTo(pairs.asUnquotedUTF8().length);
        }
    }

    private static String jackson(AuditFields f) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = JACKSON.createGenerator(out)) {
            gen.writeStartArray();
            for (int i = 0; i < f.size(); i++) {
                gen.writeStartArray();
                gen.writeString(f.key(i));
                gen.writeString(f.value(i));
                gen.writeEndArray();
            }
            gen.writeEndArray();
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
