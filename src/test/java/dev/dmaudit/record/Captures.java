package dev.dmaudit.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Loads the real kernel captures (test resources kernel-6.1-dm-integrity/MODE/cap.jsonl) and
 * rebuilds each received datagram byte for byte: the header as received (including the daemon
 * copies' short nlmsg_len) followed by the payload, dgram_len bytes in all.
 */
public final class Captures {
    /** One received datagram. */
    public record Datagram(String sock, byte[] bytes, int nlmsgLen, int type) {
    }

    private Captures() {
    }

    public static List<Datagram> load(String mode) {
        String path = "/kernel-6.1-dm-integrity/" + mode + "/cap.jsonl";
        List<Datagram> out = new ArrayList<>();
        JsonFactory f = new JsonFactory();
        try (InputStream in = Captures.class.getResourceAsStream(path); JsonParser p = f.createParser(in)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String sock = null;
                String hex = null;
                int dgramLen = 0, len = 0, type = 0, flags = 0, seq = 0, pid = 0;
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        p.skipChildren();
                        continue;
                    }
                    switch (name) {
                        case "sock" -> sock = p.getText();
                        case "payload_hex" -> hex = p.getText();
                        case "dgram_len" -> dgramLen = p.getIntValue();
                        case "nlmsg_len" -> len = p.getIntValue();
                        case "type" -> type = p.getIntValue();
                        case "flags" -> flags = p.getIntValue();
                        case "seq" -> seq = p.getIntValue();
                        case "pid" -> pid = (int) p.getLongValue(); // port ids are u32
                        default -> { }
                    }
                }
                byte[] payload = HexFormat.of().parseHex(hex);
                byte[] d = new byte[dgramLen];
                putInt(d, 0, len);
                d[4] = (byte) type;
                d[5] = (byte) (type >> 8);
                d[6] = (byte) flags;
                d[7] = (byte) (flags >> 8);
                putInt(d, 8, seq);
                putInt(d, 12, pid);
                System.arraycopy(payload, 0, d, 16, Math.min(payload.length, dgramLen - 16));
                out.add(new Datagram(sock, d, len, type));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static void putInt(byte[] d, int o, int v) {
        d[o] = (byte) v;
        d[o + 1] = (byte) (v >> 8);
        d[o + 2] = (byte) (v >> 16);
        d[o + 3] = (byte) (v >> 24);
    }
}
