package dev.dmaudit.kafka;

import dev.dmaudit.sink.DiskSpool;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One event ready for Kafka, as the spool keeps it.
 *
 * @param id    the event id (also in the value and the {@code dmaudit.event_id} header)
 * @param kind  {@code dm_data}, {@code dm_control} or {@code audit} (the {@code dmaudit.kind} header)
 * @param key   host id + device
 * @param value the JSON object
 */
record Spooled(String id, String kind, byte[] key, byte[] value) {
    /** On disk: the four fields, each length-prefixed ({@link DiskSpool#writeField}). */
    static final DiskSpool.Codec<Spooled> CODEC = new DiskSpool.Codec<>() {
        @Override
        public void write(DataOutputStream out, Spooled r) throws IOException {
            DiskSpool.writeField(out, r.id().getBytes(StandardCharsets.US_ASCII));
            DiskSpool.writeField(out, r.kind().getBytes(StandardCharsets.US_ASCII));
            DiskSpool.writeField(out, r.key());
            DiskSpool.writeField(out, r.value());
        }

        @Override
        public Spooled read(DataInputStream in) throws IOException {
            int n;
            try {
                n = in.readInt();
            } catch (EOFException end) {
                return null;
            }
            byte[] id = DiskSpool.readField(in, n);
            byte[] kind = DiskSpool.readField(in, in.readInt());
            byte[] key = DiskSpool.readField(in, in.readInt());
            byte[] value = DiskSpool.readField(in, in.readInt());
            return new Spooled(new String(id, StandardCharsets.US_ASCII), new String(kind, StandardCharsets.US_ASCII), key, value);
        }

        @Override
        public long encodedSize(Spooled r) {
            return 16L + r.id().length() + r.kind().length() + r.key().length + r.value().length;
        }
    };

    /** @return bytes this record takes in the spool (its arrays and a rough per-object cost) */
    long size() {
        return key.length + value.length + 2L * (id.length() + kind.length()) + 64;
    }
}
