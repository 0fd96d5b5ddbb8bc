package dev.dmaudit.locate;

import dev.dmaudit.dm.ProcessCommandRunner;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Benchmark of the locate stage (tools/bench-locate; not a test): the real e2fsprogs on an ext4
 * image made by {@code mke2fs -d} (FILES files of 16 KiB in 100 directories), presented as device
 * 7:0 through a fake sysfs, as Ext4ImageTest does. Measures, median of RUNS:
 * <ul>
 *   <li>a burst of BURST distinct failing sectors spread over the used blocks, uncached (a fresh
 *       locator: dumpe2fs + two debugfs), as {@link LocatingSink} hands it over: events/s, ms/event,
 *       tool runs; then the same burst again (cached);</li>
 *   <li>one event alone: cold (fresh locator, layout not read yet), uncached with the layout known,
 *       and cached.</li>
 * </ul>
 * With FS {@code xfs}: the same on an unmounted XFS (no reverse map) made by {@code mkfs.xfs -p
 * protofile}, read with {@code xfs_db -r} (geometry, one blockget run, bmaps and the directory walk).
 * Usage: {@code LocateBench WORKDIR [FILES] [BURST] [RUNS] [ext4|xfs]}.
 */
public final class LocateBench {
    private LocateBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        int burst = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        boolean xfs = args.length > 4 && args[4].equals("xfs");
        Files.createDirectories(work);
        Path sys = work.resolve("sys");
        Path mountinfo = Files.writeString(work.resolve("mountinfo"), "");
        DeviceNumber dev = new DeviceNumber(7, 0);
        Random rnd = new Random(42);
        List<Locator.Query> qs = new ArrayList<>();
        if (xfs) {
            Path image = xfsImage(work, files);
            String sb = run("/usr/sbin/xfs_db", "-r", "-c", "sb 0", "-c", "print agblocks agcount", image.toString());
            long agblocks = Long.parseLong(sb.replaceAll("(?s).*agblocks = (\\d+).*", "$1"));
            long agcount = Long.parseLong(sb.replaceAll("(?s).*agcount = (\\d+).*", "$1"));
            // mkfs spreads the directories over the AGs and puts each one's files near the AG's start
            long perAg = ((long) files * 4 + 200) / agcount + 64;
            for (long s : rnd.longs(burst * 4L, 0, agcount * perAg * 8).distinct().limit(burst).toArray()) {
                long ag = s / (perAg * 8);
                qs.add(new Locator.Query(dev, null, ag * agblocks * 8 + s % (perAg * 8)));
            }
        } else {
            Path image = image(work, files);
            long firstData = 1 + Long.parseLong(run("sh", "-c", "dumpe2fs " + image + " 2>/dev/null | sed -n 's/.*Inode table at [0-9]*-\\([0-9]*\\).*/\\1/p' | tail -1").trim());
            long used = (long) files * 4 + 200;
            for (long s : rnd.longs(burst * 2L, firstData * 8, (firstData + used) * 8).distinct().limit(burst).toArray()) {
                qs.add(new Locator.Query(dev, null, s));
            }
        }
        double[] rate = new double[runs];
        double[] cachedRate = new double[runs];
        double[] cold = new double[runs];
        double[] warm = new double[runs];
        double[] hit = new double[runs];
        long toolRuns = 0;
        int[] kinds = new int[Location.Kind.values().length];
        for (int r = 0; r < runs; r++) {
            Locator l = locator(sys, work, mountinfo);
            long t0 = System.nanoTime();
            List<Location> out = l.locateAll(qs);
            long t1 = System.nanoTime();
            rate[r] = burst / ((t1 - t0) / 1e9);
            toolRuns = l.toolRuns();
            if (r == 0) {
                out.forEach(x -> kinds[x.kind().ordinal()]++);
                out.stream().filter(x -> x.kind() == Location.Kind.UNKNOWN).map(Location::detail).distinct().limit(3)
                        .forEach(d -> System.out.println("unknown: " + d));
            }
            t0 = System.nanoTime();
            l.locateAll(qs);
            cachedRate[r] = burst / ((System.nanoTime() - t0) / 1e9);
            Locator one = locator(sys, work, mountinfo);
            t0 = System.nanoTime();
            one.locate(dev, null, qs.get(0).sector());
            cold[r] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            one.locate(dev, null, qs.get(1).sector());
            warm[r] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            one.locate(dev, null, qs.get(1).sector());
            hit[r] = (System.nanoTime() - t0) / 1e6;
        }
        System.out.printf("image: %d files of 16 KiB, burst of %d distinct sectors; kinds in the burst: %s%n", files, burst,
                Arrays.toString(Arrays.stream(Location.Kind.values()).map(k -> k + "=" + kinds[k.ordinal()]).toArray()));
        System.out.printf("burst uncached: %.0f events/s (%.3f ms/event), %d tool runs for the burst%n",
                median(rate), 1000 / median(rate), toolRuns);
        System.out.printf("burst cached:   %.0f events/s (%.4f ms/event)%n", median(cachedRate), 1000 / median(cachedRate));
        System.out.printf(xfs ? "one event: cold %.1f ms (geometry + xfs_db runs), uncached %.1f ms (geometry known), cached %.4f ms%n"
                        : "one event: cold %.1f ms (dumpe2fs + 2 debugfs), uncached %.1f ms (2 debugfs), cached %.4f ms%n",
                median(cold), median(warm), median(hit));
    }

    private static Locator locator(Path sys, Path dev, Path mountinfo) {
        return new Locator(sys, dev, mountinfo, d -> List.of(), new ProcessCommandRunner(), Duration.ofSeconds(60),
                Clock.systemUTC());
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static Path image(Path work, int files) throws IOException, InterruptedException {
        Path src = Files.createDirectories(work.resolve("src"));
        byte[] data = new byte[16384];
        new Random(1).nextBytes(data);
        for (int i = 0; i < files; i++) {
            Path d = Files.createDirectories(src.resolve("dir " + (i % 100)));
            Files.write(d.resolve("file " + i), data);
        }
        Path image = work.resolve("img.ext4");
        run("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-d", src.toString(), image.toString(),
                (files / 40 + 64) + "M");
        return asDevice(work, image);
    }

    /** FILES files of 16 KiB in 100 directories, on an XFS without a reverse map, made from a protofile. */
    private static Path xfsImage(Path work, int files) throws IOException, InterruptedException {
        byte[] data = new byte[16384];
        new Random(1).nextBytes(data);
        Path file = Files.write(work.resolve("content"), data);
        StringBuilder proto = new StringBuilder("/dev/null\n0 0\nd--755 0 0\n");
        for (int d = 0; d < 100; d++) {
            proto.append("dir").append(d).append(" d--755 0 0\n");
            for (int i = d; i < files; i += 100) {
                proto.append("file").append(i).append(" ---644 0 0 ").append(file).append('\n');
            }
            proto.append("$\n");
        }
        proto.append("$\n");
        Path protofile = Files.writeString(work.resolve("proto"), proto.toString());
        Path image = work.resolve("img.xfs");
        run("truncate", "-s", Math.max(320, files / 40 + 64) + "M", image.toString());
        run("/usr/sbin/mkfs.xfs", "-q", "-m", "rmapbt=0", "-p", protofile.toString(), image.toString());
        return asDevice(work, image);
    }

    /** A fake sysfs in which device 7:0 is the image, with no holders (as Ext4ImageTest). */
    private static Path asDevice(Path work, Path image) throws IOException {
        Path devdir = Files.createDirectories(work.resolve("sys/devices/" + image.getFileName()));
        Files.writeString(devdir.resolve("dev"), "7:0\n");
        Files.createDirectories(devdir.resolve("holders"));
        Files.createDirectories(work.resolve("sys/dev/block"));
        Files.createSymbolicLink(work.resolve("sys/dev/block/7:0"), devdir);
        return image;
    }

    private static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", argv) + ": " + out);
        }
        return out;
    }

}
