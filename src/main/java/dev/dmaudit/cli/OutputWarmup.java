package dev.dmaudit.cli;

import dev.dmaudit.api.AuditLogDecoder;
import dev.dmaudit.sink.WriterSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs {@code listen}'s output path — the same filter and a writer of the same format, into
 * nothing — over synthetic audit.log lines before the listener starts, so the JIT compiles the
 * encoder while nothing waits for it. The listener's own warm-up covers the decoding only; without
 * this, the JSON encoder was compiled during the first flood (measured: ~40 C2 compilations of
 * Jackson's generator while a daemon-mode flood ran, BENCHMARKS.md "Daemon mode: the JIT and the
 * reader"). The listener's warm-up, which follows, waits until the compilers go quiet, so what this
 * queued is compiled before the reader starts. Nothing is written anywhere; no device is asked.
 */
final class OutputWarmup {
    /** Rounds: ~30,000 events of the most common kinds, above C2's thresholds (15,000 calls) even when the filter passes one kind only. */
    static final int ROUNDS = 30_000;

    private OutputWarmup() {
    }

    /**
     * @param options the listener's event options (filter, format, interpretation), read only
     * @param rounds  rounds of synthetic events (each a DM data event and a SERVICE_START user
     *                message; every 8th also a DM control event with its SYSCALL/PROCTITLE/EOE)
     * @return the events the throwaway writer encoded (those the filter passed)
     */
    static long run(EventOptions options, int rounds) {
        WriterSink twin = options.sink(OutputStream.nullOutputStream(), null);
        AuditLogDecoder decoder = new AuditLogDecoder(options.pipeline(), List.of(twin), options.maxLineBytes);
        try {
            decoder.decode(new Lines(rounds), (line, reason) -> {
                throw new IllegalStateException("warm-up line " + line + " did not decode: " + reason);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a null stream does not fail
        }
        return twin.written();
    }

    /** The synthetic log, made line by line (never whole in memory), fresh serials each round. */
    static final class Lines extends InputStream {
        /** A round: a DM data event, a SERVICE_START message and, every {@link #CONTROL_EVERY}th round, a DM control event. */
        private static final String[] ROUND = {
            "type=DM_EVENT msg=audit(%d.%03d:%d): module=integrity op=integrity-checksum dev=254:0 sector=%d res=0",
            "type=SERVICE_START msg=audit(%d.%03d:%d): pid=1 uid=0 auid=4294967295 ses=4294967295"
                    + " subj=unconfined msg='unit=dmaudit-%d comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\""
                    + " hostname=? addr=? terminal=? res=success'",
            "type=SYSCALL msg=audit(%d.%03d:%d): arch=c000003e syscall=16 success=yes exit=0 a0=3 a1=c138fd09"
                    + " a2=55d0c8e6e0a0 a3=0 items=0 ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0"
                    + " sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"integritysetup\" exe=\"/usr/sbin/integritysetup\""
                    + " subj=unconfined key=(null)",
            "type=PROCTITLE msg=audit(%d.%03d:%d): proctitle=696E74656772697479736574757000666F726D6174",
            "type=DM_CTRL msg=audit(%d.%03d:%d): module=integrity op=ctr ppid=1 pid=2 auid=4294967295 uid=0"
                    + " gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295"
                    + " comm=\"integritysetup\" exe=\"/usr/sbin/integritysetup\" subj=unconfined dev=254:%d"
                    + " error_msg='success' res=1",
            "type=EOE msg=audit(%d.%03d:%d): ",
        };
        /** Lines of a round without its control event. */
        private static final int SHORT_ROUND = 2;
        static final int CONTROL_EVERY = 8;
        /** How far each line's serial is ahead of the round's first (one event per serial). */
        private static final int[] SERIAL_STEP = {0, 1, 2, 2, 2, 2};
        private final int rounds;
        private int round;
        private int next;
        private byte[] line = new byte[0];
        private int at;

        Lines(int rounds) {
            this.rounds = rounds;
        }

        @Override
        public int read() {
            if (at == line.length && !fill()) {
                return -1;
            }
            return line[at++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (at == line.length && !fill()) {
                return -1;
            }
            int n = Math.min(len, line.length - at);
            System.arraycopy(line, at, b, off, n);
            at += n;
            return n;
        }

        private boolean fill() {
            if (round >= rounds) {
                return false;
            }
            long serial = 3L * round + 1 + SERIAL_STEP[next];
            // A millisecond per round, so the log's own clock, on which a log is grouped, moves forward.
            String s = String.format(ROUND[next], 1795838689L + round / 1000, round % 1000, serial, round) + "\n";
            line = s.getBytes(StandardCharsets.US_ASCII);
            at = 0;
            if (++next == (round % CONTROL_EVERY == 0 ? ROUND.length : SHORT_ROUND)) {
                next = 0;
                round++;
            }
            return true;
        }
    }
}
