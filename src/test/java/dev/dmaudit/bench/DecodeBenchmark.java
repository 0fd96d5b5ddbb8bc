package dev.dmaudit.bench;

import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.EventPipeline;
import dev.dmaudit.event.EventFilter;
import dev.dmaudit.record.AuditLogParser;
import dev.dmaudit.record.AuditRecord;
import dev.dmaudit.record.AuditRecordParser;
import dev.dmaudit.record.Captures;
import dev.dmaudit.record.NetlinkFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoder throughput, one operation = one record. Run with {@code make bench} (adds -prof gc for
 * bytes allocated per record: gc.alloc.rate.norm).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DecodeBenchmark {
    /** Real DM datagrams (DM_CTRL with task info, bio-level DM_EVENT) from the kernel capture. */
    private byte[][] dmDatagrams;
    /** Every record datagram of the capture: DM_CTRL, SYSCALL, CWD, PATH, PROCTITLE, EOE, DM_EVENT. */
    private byte[][] captureDatagrams;
    /** Lines of the public real-world logs: SYSCALL, EXECVE, PATH, AVC, USER_*, … */
    private byte[][] mixedLines;
    private final AuditRecordParser recordParser = new AuditRecordParser();
    private final AuditLogParser logParser = new AuditLogParser();
    private int i;

    @Setup(Level.Trial)
    public void load() {
        List<byte[]> dm = new ArrayList<>();
        List<byte[]> all = new ArrayList<>();
        for (Captures.Datagram d : Captures.load("multicast")) {
            if (d.sock().equals("mcast") && d.type() >= 1300) {
                all.add(d.bytes());
                if (d.type() == 1338 || d.type() == 1339) {
                    dm.add(d.bytes());
                }
            }
        }
        dmDatagrams = dm.toArray(byte[][]::new);
        captureDatagrams = all.toArray(byte[][]::new);
        List<byte[]> lines = new ArrayList<>();
        try (var files = Files.list(Path.of("src/test/resources/testdata"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    try {
                        logParser.parse(l);
                        lines.add(l.getBytes(StandardCharsets.UTF_8));
                    } catch (RuntimeException malformed) {
                        // the benchmark measures well-formed lines only
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mixedLines = lines.toArray(byte[][]::new);
    }

    private byte[] next(byte[][] pool) {
        byte[] b = pool[i];
        i = i + 1 == pool.length ? 0 : i + 1;
        return b;
    }

    /** Netlink datagram of a DM record → framed, parsed, three fields read. */
    @Benchmark
    public void dmDatagram(Blackhole bh) {
        byte[] d = next(dmDatagrams);
        NetlinkFrames.forEach(d, 0, d.length, m -> {
            AuditRecord r = recordParser.parse(m);
            bh.consume(r.get("op"));
            bh.consume(r.get("dev"));
            bh.consume(r.fields().getLong("res", -1));
        });
    }

    /** Every record of the capture through the pipeline: framing, parsing, grouping, DM typing, filtering. */
    @Benchmark
    public void capturePipeline(PipelineState s, Blackhole bh) {
        byte[] d = next(captureDatagrams);
        // The capture replays forever with its serials: a clock that stands still (as the record
        // times did when this grouped on them) keeps events completing by EOE, not by timeout.
        s.assembler.acceptDatagram(d, 0, d.length, 0);
        bh.consume(s.last);
    }

    /** An audit.log line of the mixed public logs → parsed, every field materialised. */
    @Benchmark
    public void mixedLogLine(Blackhole bh) {
        AuditRecord r = logParser.parse(next(mixedLines).clone());
        for (int k = 0; k < r.fields().size(); k++) {
            bh.consume(r.fields().value(k));
        }
    }

    /** Holds the pipeline for the pipeline benchmark. */
    @State(Scope.Thread)
    public static class PipelineState {
        DmEvent last;
        EventPipeline assembler;

        @Setup(Level.Trial)
        public void setUp() {
            assembler = EventPipeline.builder().filter(EventFilter.allEvents()).sink(ev -> last = ev.dm()).build();
        }
    }
}
