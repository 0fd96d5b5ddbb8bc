package dev.dmaudit.kafka;

import dev.dmaudit.event.Event;
import dev.dmaudit.sink.EventWriter;
import dev.dmaudit.sink.OutputFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns an event into what goes to Kafka: the key (host + device, so one device's events stay in
 * one partition, in order), the value (the {@code --format json} object with {@code schema},
 * {@code event_id} and {@code host} in front) and the event id and kind for the headers.
 *
 * <p>The event id is {@code MACHINE-BOOT-TIMEMS-SERIAL}, with {@code -N} added for the N-th
 * (2, 3, …) event of one serial (an event cut at 1024 records, or records that came after its
 * grouping timeout). The kernel's serial is unique within a boot and the boot id within a
 * machine, so the id names one event for ever: a consumer de-duplicates on it after producer
 * retries, a broker fail-over or a spool replayed after a restart. Not thread-safe: one
 * delivering thread calls it.
 */
final class EventEncoder {
    /** The value's {@code schema} field: bumped when a field changes meaning or goes away. */
    static final int SCHEMA_VERSION = 1;
    /** Serials seen lately, to number the second and later events of one serial. */
    private static final int RECENT_SERIALS = 4096;

    private final HostIdentity host;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
    private final EventWriter json = EventWriter.create(OutputFormat.JSON, buf);
    private final byte[] keyPrefix;
    private final Map<Long, Integer> recent = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
            return size() > RECENT_SERIALS;
        }
    };

    EventEncoder(HostIdentity host) {
        this.host = host;
        this.keyPrefix = (host.machineId() + "/").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param event a delivered event
     * @return its Kafka record
     * @throws IOException when the JSON cannot be written (not expected for an in-memory buffer)
     */
    Spooled encode(Event event) throws IOException {
        long serial = event.audit().serial();
        int nth = recent.merge(serial, 1, Integer::sum);
        String id = host.machineId() + "-" + host.bootId() + "-" + event.audit().timeMillis() + "-" + serial
                + (nth > 1 ? "-" + nth : "");
        String kind = event.dm() == null ? "audit" : event.dm().isData() ? "dm_data" : "dm_control";
        String device = event.dm() == null || event.dm().device() == null ? "-" : event.dm().device().toString();
        byte[] dev = device.getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(keyPrefix, keyPrefix.length + dev.length);
        System.arraycopy(dev, 0, key, keyPrefix.length, dev.length);

        buf.reset();
        json.write(event, null);
        json.flush();
        byte[] object = buf.toByteArray(); // {...}\n
        byte[] head = ("{\"schema\":" + SCHEMA_VERSION + ",\"event_id\":\"" + id + "\",\"host\":\"" + host.machineId()
                + "\",").getBytes(StandardCharsets.US_ASCII);
        int bodyLen = object.length - 2; // without the leading { and the trailing newline
        byte[] value = new byte[head.length + bodyLen];
        System.arraycopy(head, 0, value, 0, head.length);
        System.arraycopy(object, 1, value, head.length, bodyLen);
        return new Spooled(id, kind, key, value);
    }
}
