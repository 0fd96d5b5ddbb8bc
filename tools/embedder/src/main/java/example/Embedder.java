package example;

import dev.dmaudit.api.AuditLogDecoder;
import dev.dmaudit.api.DmAuditException;
import dev.dmaudit.api.DmAuditListener;
import dev.dmaudit.api.Metrics;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.Sink;
import dev.dmaudit.record.TypeMapping;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What an agent does with the library alone (dmaudit + JNA on its class or module path): decodes
 * an audit.log through {@link AuditLogDecoder} and prints each DM event as
 * {@code event SERIAL OP DEV}; then builds a live {@link DmAuditListener}, and with {@code --live}
 * starts and closes it (which loads JNA and the shim from the library jar).
 *
 * <p>Usage: {@code Embedder AUDIT_LOG CTRL_TYPE EVENT_TYPE [--live]}.
 */
public final class Embedder {
    private Embedder() {
    }

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        TypeMapping types = TypeMapping.dmTypes(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Sink printer = event -> {
            DmEvent dm = event.dm();
            for (DmRecord r : dm.records()) {
                System.out.println("event " + dm.serial() + " " + r.op() + " " + r.device());
            }
        };
        AuditLogDecoder decoder = new AuditLogDecoder(EventPipeline.builder().typeMapping(types), List.of(printer), 1 << 16);
        try (InputStream in = Files.newInputStream(log)) {
            Metrics m = decoder.decode(in, (line, reason) -> System.out.println("skipped " + line + ": " + reason));
            System.out.println("decoded records=" + m.records() + " events=" + m.events());
        }

        DmAuditListener listener = DmAuditListener.builder().coalesce(Duration.ofSeconds(5)).build();
        if (args.length > 3 && args[3].equals("--live")) {
            try (listener) {
                listener.start((Event ev) -> System.out.println("live event " + ev.dm().serial()));
                System.out.println("live=started auditEnabled=" + listener.auditEnabled());
            } catch (DmAuditException e) {
                System.out.println("live=refused " + e.kind() + ": " + e.getMessage());
                return;
            }
            System.out.println("live=closed datagrams=" + listener.metrics().datagrams());
        } else {
            listener.close();
            System.out.println("live=not-asked");
        }
    }
}
