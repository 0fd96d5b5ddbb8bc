package dev.dmaudit.sink;

import dev.dmaudit.api.AuditLogDecoder;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.Sink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Events for the syslog tests, built from audit.log lines the way decode builds them. */
final class SyslogTestEvents {
    /** Every character PARAM-VALUE escapes, and an opening bracket and an equals sign that it does not. */
    static final String HOSTILE = "x\"y]z\\w[v=u";

    private SyslogTestEvents() {
    }

    /** A corruption: DM_EVENT integrity-checksum on 254:0 at the serial as sector, device named {@code name}. */
    static Event data(long serial, String name) {
        return event("type=DM_EVENT msg=audit(1795838689.008:" + serial + "): module=integrity op=integrity-checksum dev=254:0 sector="
                + serial + " res=0", name);
    }

    /** A target constructed by a process whose comm and exe are {@code comm} and {@code exe} (hex-encoded, as the kernel does). */
    static Event control(long serial, boolean success, String comm, String exe) {
        return event("type=DM_CTRL msg=audit(1795838694.300:" + serial + "): module=integrity op=ctr ppid=125 pid=293"
                + " auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="
                + hex(comm) + " exe=" + hex(exe) + " subj=unconfined dev=254:0 error_msg='"
                + (success ? "success" : "The device is not initialized") + "' res=" + (success ? 1 : 0), null);
    }

    /** Through the decoder's pipeline, as {@code dmaudit decode} reads the line. */
    static Event event(String line, String name) {
        List<Event> got = new ArrayList<>();
        Sink collect = got::add;
        try {
            new AuditLogDecoder(EventPipeline.builder(), List.of(collect), 1 << 16)
                    .decode(new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)), (n, why) -> {
                        throw new AssertionError(why);
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Event e = got.get(0);
        return name == null ? e : e.withDm(e.dm().withDeviceName(name));
    }

    private static String hex(String s) {
        return HexFormat.of().withUpperCase().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
