package dev.dmaudit.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class UeventParserTest {
    /** The real uevents of src/test/resources/kernel-6.12-verity/uevents.hex (see its README). */
    public static List<byte[]> captured() throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                UeventParserTest.class.getResourceAsStream("/kernel-6.12-verity/uevents.hex"), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    out.add(HexFormat.of().parseHex(line.trim()));
                }
            }
        }
        return out;
    }

    static Uevent parse(byte[] b) {
        return UeventParser.parse(b, 0, b.length);
    }

    @Test
    void realVerityCorruptionUeventDecodes() throws IOException {
        Uevent u = parse(captured().get(3));
        assertThat(u.action()).isEqualTo("change");
        assertThat(u.devpath()).isEqualTo("/devices/virtual/block/dm-0");
        assertThat(u.get("DM_VERITY_ERR_BLOCK_NR")).isEqualTo("0,5");
        assertThat(u.get("SUBSYSTEM")).isEqualTo("block");
        assertThat(u.get("MAJOR") + ":" + u.get("MINOR")).isEqualTo("254:0");
        assertThat(u.keys()).containsExactly("ACTION", "DEVPATH", "SUBSYSTEM", "DM_VERITY_ERR_BLOCK_NR", "MAJOR", "MINOR",
                "DEVNAME", "DEVTYPE", "DISKSEQ", "SEQNUM");
        assertThat(u.seqnum()).isPositive();
        assertThat(u.get("NOPE")).isNull();
    }

    @Test
    void everyCapturedUeventDecodesWithItsHeaderRepeatedInTheEnvironment() throws IOException {
        for (byte[] b : captured()) {
            Uevent u = parse(b);
            assertThat(u.get("ACTION")).isEqualTo(u.action());
            assertThat(u.get("DEVPATH")).isEqualTo(u.devpath());
        }
    }

    @Test
    void anOffsetInsideALargerBufferIsHonoured() throws IOException {
        byte[] real = captured().get(2);
        byte[] big = new byte[real.length + 20];
        System.arraycopy(real, 0, big, 7, real.length);
        assertThat(UeventParser.parse(big, 7, real.length)).isEqualTo(parse(real));
    }

    @Test
    void malformedInputIsRefusedWithItsOneException() {
        byte[][] bad = {
                "".getBytes(StandardCharsets.US_ASCII),
                "change\0ACTION=change\0".getBytes(StandardCharsets.US_ASCII),             // no '@'
                "@/devices\0".getBytes(StandardCharsets.US_ASCII),                          // empty action
                "change@\0".getBytes(StandardCharsets.US_ASCII),                            // empty devpath
                "change@/d\0NOEQUALS\0".getBytes(StandardCharsets.US_ASCII),
                "change@/d\0=value\0".getBytes(StandardCharsets.US_ASCII),
                "change@/d\0KEY=a\nb\0".getBytes(StandardCharsets.US_ASCII),                // control char
                "change@/d\0K\u00e9Y=v\0".getBytes(StandardCharsets.ISO_8859_1),            // non-ASCII name
                "libudev\0\u00fe\u00ed\u00ca\u00fe".getBytes(StandardCharsets.ISO_8859_1),  // udevd's rebroadcast
                new byte[UeventParser.MAX_DATAGRAM + 1],
        };
        for (byte[] b : bad) {
            assertThatThrownBy(() -> parse(b)).as(new String(b, StandardCharsets.ISO_8859_1))
                    .isInstanceOf(MalformedRecordException.class);
        }
        StringBuilder many = new StringBuilder("change@/d\0");
        for (int i = 0; i <= UeventParser.MAX_VARIABLES; i++) {
            many.append("K").append(i).append("=v\0");
        }
        assertThatThrownBy(() -> parse(many.toString().getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("more than");
        assertThatThrownBy(() -> UeventParser.parse(new byte[4], 2, 3)).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void unterminatedLastVariableAndTrailingPaddingAreAccepted() {
        Uevent u = parse("add@/module/x\0ACTION=add\0SEQNUM=7".getBytes(StandardCharsets.US_ASCII));
        assertThat(u.seqnum()).isEqualTo(7);
        assertThat(parse("add@/module/x\0A=1\0\0\0".getBytes(StandardCharsets.US_ASCII)).keys()).containsExactly("A");
        assertThat(parse("add@/m\0SEQNUM=12x\0".getBytes(StandardCharsets.US_ASCII)).seqnum()).isEqualTo(-1);
    }

    /** Mutations of real uevents: decoded or refused with MalformedRecordException, nothing else. */
    @Test
    void mutatedRealUeventsOnlyEverThrowTheDocumentedException() throws IOException {
        Random rnd = new Random(16);
        List<byte[]> seeds = captured();
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
            for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            int len = rnd.nextInt(b.length + 1);
            try {
                UeventParser.parse(b, 0, len);
            } catch (MalformedRecordException expected) {
                // the documented refusal
            }
        }
    }
}
