package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.dm.CryptTargetTable;
import dev.dmaudit.dm.DmTableLine;
import dev.dmaudit.dm.LinearTargetTable;
import dev.dmaudit.dm.RawTargetTable;
import dev.dmaudit.dm.TargetTable;
import dev.dmaudit.dm.VerityTargetTable;
import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk up the stack over the real tables of the e2e runs (src/test/resources/locate/
 * dmsetup-tables-6.1.txt) and a sysfs laid out as the guest kernel had it. The expected sectors
 * are the ones the kernel reported and the tools found in those runs (CapturesTest).
 */
class StackWalkTest {
    @TempDir
    Path sys;
    final Map<DeviceNumber, List<DmTableLine>> tables = new HashMap<>();
    final Map<String, DeviceNumber> numbers = new HashMap<>();

    /** Devices as sysfs shows them: name, number, dm name (or null), uuid, holders. */
    void device(String kname, String num, String dmName, String uuid, String... holders) throws IOException {
        FakeSysfs.device(sys, kname, num, dmName, uuid, holders);
        if (dmName != null) {
            numbers.put(dmName, DeviceNumber.parse(num));
        }
    }

    void tables() throws IOException {
        for (String line : Files.readAllLines(Path.of("src/test/resources/locate/dmsetup-tables-6.1.txt"))) {
            String name = line.substring(0, line.indexOf(':'));
            String[] f = line.substring(name.length() + 2).split(" ");
            List<String> p = Arrays.asList(f).subList(3, f.length);
            TargetTable t = switch (f[2]) {
                case "linear" -> new LinearTargetTable(p.get(0), Long.parseLong(p.get(1)));
                case "crypt" -> new CryptTargetTable(p.get(0), p.get(1), Long.parseLong(p.get(2)), p.get(3),
                        Long.parseLong(p.get(4)), p.subList(6, p.size()));
                default -> new RawTargetTable(p);
            };
            DeviceNumber n = numbers.get(name);
            if (n != null) {
                tables.computeIfAbsent(n, k -> new ArrayList<>())
                        .add(new DmTableLine(name, Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], t));
            }
        }
    }

    /** The luks-ext4 run: loccrypt (254:1) over loccrypt_dif (254:0) over loop0. */
    void luksStack() throws IOException {
        device("loop0", "7:0", null, null, "dm-0");
        device("dm-0", "254:0", "loccrypt_dif", "CRYPT-SUBDEV-x", "dm-1");
        device("dm-1", "254:1", "loccrypt", "CRYPT-LUKS2-x");
        tables();
    }

    StackWalk walk() {
        return new StackWalk(new SysBlock(sys, sys.resolve("devnodes")), d -> tables.getOrDefault(d, List.of()));
    }

    @Test
    void plainIntegrityIsItsOwnTop() throws IOException {
        device("loop0", "7:0", null, null, "dm-0");
        device("dm-0", "254:0", "locint", "CRYPT-INTEGRITY-x");
        tables();
        StackWalk.Result r = walk().up(DeviceNumber.parse("254:0"), "integrity-checksum", 262816, false);
        assertThat(r.terminal()).isNull();
        assertThat(r.top()).isEqualTo(DeviceNumber.parse("254:0"));
        assertThat(r.chain()).containsExactly(new Location.Step("254:0", "locint", "integrity", 262816));
    }

    @Test
    void aeadStartsAtTheCryptDeviceAboveTheDifDevice() throws IOException {
        luksStack();
        // records-6.1.txt: integrity-aead dev=254:0 sector=262816 for filesystem block 32852 of 254:1
        StackWalk.Result r = walk().up(DeviceNumber.parse("254:0"), "integrity-aead", 262816, false);
        assertThat(r.terminal()).isNull();
        assertThat(r.top()).isEqualTo(DeviceNumber.parse("254:1"));
        assertThat(r.chain()).extracting(Location.Step::device, Location.Step::sector)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("254:0", 262816L),
                        org.assertj.core.groups.Tuple.tuple("254:1", 262816L));
    }

    @Test
    void lvmLinearSegmentsShiftTheSectorAndTheRestIsOutside() throws IOException {
        device("loop0", "7:0", null, null, "dm-0");
        device("dm-0", "254:0", "locpv", "CRYPT-INTEGRITY-x", "dm-1", "dm-2");
        device("dm-1", "254:1", "locvg-pad", "LVM-aaa");
        device("dm-2", "254:2", "locvg-loclv", "LVM-bbb");
        tables();
        // locvg-loclv: 0 245760 linear 254:0 18432 -> PV sector 18432 + s is LV sector s
        StackWalk.Result r = walk().up(DeviceNumber.parse("254:0"), "integrity-checksum", 18432 + 32110, false);
        assertThat(r.top()).isEqualTo(DeviceNumber.parse("254:2"));
        assertThat(r.chain().get(1)).isEqualTo(new Location.Step("254:2", "locvg-loclv", "linear", 32110));
        StackWalk.Result pad = walk().up(DeviceNumber.parse("254:0"), "integrity-checksum", 2048 + 5, false);
        assertThat(pad.top()).isEqualTo(DeviceNumber.parse("254:1"));
        StackWalk.Result meta = walk().up(DeviceNumber.parse("254:0"), "integrity-checksum", 100, false);
        assertThat(meta.terminal().kind()).isEqualTo(Location.Kind.OUTSIDE);
        assertThat(meta.terminal().detail()).startsWith("lvm_unmapped");
    }

    @Test
    void aSectorOfTheFilesystemDeviceShowsTheDevicesBelow() throws IOException {
        luksStack();
        tables.put(DeviceNumber.parse("254:0"), List.of(new DmTableLine("loccrypt_dif", 0, 273920, "integrity",
                new RawTargetTable(List.of("7:0", "32768", "32", "J", "0")))));
        StackWalk.Result r = walk().up(DeviceNumber.parse("254:1"), null, 262816, false);
        assertThat(r.top()).isEqualTo(DeviceNumber.parse("254:1"));
        assertThat(r.chain()).containsExactly(new Location.Step("254:0", "loccrypt_dif", "integrity", 262816),
                new Location.Step("254:1", "loccrypt", "crypt", 262816));
    }

    @Test
    void belowTheCryptOffsetIsTheHeader() throws IOException {
        device("loop1", "7:1", null, null, "dm-5");
        device("dm-5", "254:5", "plaincrypt", "CRYPT-LUKS1-x");
        tables.put(DeviceNumber.parse("254:5"), List.of(new DmTableLine("plaincrypt", 0, 1000, "crypt",
                new CryptTargetTable("aes-xts-plain64", "<redacted>", 0, "7:1", 4096, List.of()))));
        StackWalk.Result r = walk().up(DeviceNumber.parse("7:1"), null, 100, false);
        assertThat(r.terminal().kind()).isEqualTo(Location.Kind.OUTSIDE);
        assertThat(r.terminal().detail()).contains("LUKS header");
        assertThat(walk().up(DeviceNumber.parse("7:1"), null, 4096 + 7, false).chain().get(1).sector()).isEqualTo(7);
    }

    @Test
    void verifyDataIsADataBlockOfTheDataDevice() throws IOException {
        device("loop0", "7:0", null, null, "dm-3");
        device("loop1", "7:1", null, null, "dm-3");
        device("dm-3", "254:3", "vroot", "CRYPT-VERITY-x");
        tables.put(DeviceNumber.parse("254:3"), List.of(new DmTableLine("vroot", 0, 8192, "verity",
                new VerityTargetTable(1, "7:0", "7:1", 4096, 4096, 1024, 1, "sha256", "00", "-", List.of()))));
        StackWalk.Result r = walk().up(DeviceNumber.parse("7:0"), "verify-data", 10, false);
        assertThat(r.top()).isEqualTo(DeviceNumber.parse("254:3"));
        assertThat(r.chain()).extracting(Location.Step::sector).containsExactly(80L, 80L);
        // the audit verify-metadata names the DATA block whose read needed the bad hash block
        StackWalk.Result m = walk().up(DeviceNumber.parse("7:0"), "verify-metadata", 3, false);
        assertThat(m.terminal()).isNull();
        assertThat(m.top()).isEqualTo(DeviceNumber.parse("254:3"));
        assertThat(m.chain()).extracting(Location.Step::device).containsExactly("7:0", "254:3");
        assertThat(m.chain()).extracting(Location.Step::sector).containsExactly(24L, 24L);
    }

    @Test
    void theVerityUeventNamesTheVerityDeviceAndADataOrHashBlock() throws IOException {
        device("loop0", "7:0", null, null, "dm-3");
        device("loop1", "7:1", null, null, "dm-3");
        device("dm-3", "254:3", "vroot", "CRYPT-VERITY-x");
        tables.put(DeviceNumber.parse("254:3"), List.of(new DmTableLine("vroot", 0, 8192, "verity",
                new VerityTargetTable(1, "7:0", "7:1", 4096, 1024, 1024, 1, "sha256", "00", "-", List.of()))));
        // DM_VERITY_ERR_BLOCK_NR=0,10 on 254:3: data block 10 = sector 80 of both devices
        StackWalk.Result d = walk().up(DeviceNumber.parse("254:3"), "verify-data", 10, true);
        assertThat(d.terminal()).isNull();
        assertThat(d.top()).isEqualTo(DeviceNumber.parse("254:3"));
        assertThat(d.chain()).extracting(Location.Step::device).containsExactly("7:0", "254:3");
        assertThat(d.chain()).extracting(Location.Step::sector).containsExactly(80L, 80L);
        // =1,3: hash block 3 of the hash device (1 KiB hash blocks here: sector 6 of 7:1)
        StackWalk.Result h = walk().up(DeviceNumber.parse("254:3"), "verify-metadata", 3, true);
        assertThat(h.terminal().kind()).isEqualTo(Location.Kind.OUTSIDE);
        assertThat(h.terminal().detail()).startsWith("verity_hash_tree");
        assertThat(h.chain()).extracting(Location.Step::device).containsExactly("7:1");
        assertThat(h.chain()).extracting(Location.Step::sector).containsExactly(6L);
        // the uevent form on a device that is not a verity device: said, not guessed
        assertThat(walk().up(DeviceNumber.parse("7:0"), "verify-data", 10, true).terminal().detail())
                .contains("no verity table");
        // and the audit form on the verity device itself: no verity device holds it
        assertThat(walk().up(DeviceNumber.parse("254:3"), "verify-data", 10, false).terminal().kind())
                .isEqualTo(Location.Kind.UNKNOWN);
    }

    @Test
    void otherTargetsAreNotFollowedAndNoSectorIsNoLocation() throws IOException {
        device("loop0", "7:0", null, null, "dm-4");
        device("dm-4", "254:4", "thinpool", null);
        tables.put(DeviceNumber.parse("254:4"), List.of(new DmTableLine("thinpool", 0, 100, "thin-pool",
                new RawTargetTable(List.of("7:0", "7:0", "128", "0")))));
        assertThat(walk().up(DeviceNumber.parse("7:0"), null, 5, false).terminal().kind()).isEqualTo(Location.Kind.UNSUPPORTED);
        assertThat(walk().up(DeviceNumber.parse("7:0"), "mac-superblock", -1, false).terminal().detail()).startsWith("no sector");
        assertThat(walk().up(DeviceNumber.parse("9:9"), null, 5, false).terminal().detail()).contains("does not exist");
    }
    /**
     * dm-integrity in inline mode (6.11+) as e2e/guest/kcov.sh builds it on 6.12: {@code kinline}
     * (254:0) over the NVMe namespace 259:0. The table line is what {@code dmsetup table kinline}
     * printed there (kcov/steps.log of the 2026-12-02 run), parsed by the real DmSetup.
     */
    static final String INLINE_TABLE =
            "0 128991 integrity 259:0 0 8 I 4 journal_sectors:0 interleave_sectors:32768 buffer_sectors:128 internal_hash:crc32c";

    List<DmTableLine> recordedTable(String dmName, String line) throws Exception {
        dev.dmaudit.dm.DmSetup dm = new dev.dmaudit.dm.DmSetup((argv, timeout) -> dev.dmaudit.dm.CommandResult.of(
                argv, 0, line + "\n", ""), java.time.Duration.ofSeconds(1));
        List<DmTableLine> t = dm.table(dev.dmaudit.dm.DmSelector.id(numbers.get(dmName)), dev.dmaudit.dm.KeyDisplay.REDACT);
        return t.stream().map(l -> new DmTableLine(dmName, l.start(), l.length(), l.targetType(), l.target())).toList();
    }

    @Test
    void inlineModeNamesTheDeviceBelowWithTheDmDevicesSector() throws Exception {
        device("nvme0n1", "259:0", null, null, "dm-0");
        device("dm-0", "254:0", "kinline", null);
        tables.put(DeviceNumber.parse("254:0"), recordedTable("kinline", INLINE_TABLE));
        // kcov.py on 6.12: integrity-checksum dev=259:0 sector=80 for logical block 10 of kinline
        // (the data sat at raw sector 88 of the namespace: the superblock is in front)
        StackWalk.Result r = walk().up(DeviceNumber.parse("259:0"), "integrity-checksum", 80, false);
        assertThat(r.terminal()).isNull();
        assertThat(r.top()).isEqualTo(DeviceNumber.parse("254:0"));
        assertThat(r.chain()).extracting(Location.Step::device, Location.Step::target, Location.Step::sector)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("259:0", null, 80L),
                        org.assertj.core.groups.Tuple.tuple("254:0", "integrity", 80L));
        assertThat(r.chain().get(0).note()).contains("below kinline").contains("inline mode");
        assertThat(r.chain().get(1).note()).isNull();
        // the note reaches the JSON of the step it belongs to, and only that one
        String json = dev.dmaudit.sink.LocationFormat.jsonText(Location.unknown("x", r.chain()));
        assertThat(json).contains("\"device\":\"259:0\",\"name\":\"nvme0n1\",\"target\":null,\"sector\":80,"
                + "\"note\":\"the kernel named the device below kinline (dm-integrity in inline mode)")
                .contains("\"device\":\"254:0\",\"name\":\"kinline\",\"target\":\"integrity\",\"sector\":80}");
    }

    @Test
    void withoutOneInlineHolderTheSectorStaysTheDevicesOwnAndTheChainSaysWhy() throws Exception {
        // journal mode (J) over the namespace: not inline, so not a report from below
        device("nvme0n1", "259:0", null, null, "dm-0");
        device("dm-0", "254:0", "kjournal", null);
        tables.put(DeviceNumber.parse("254:0"), recordedTable("kjournal",
                "0 128991 integrity 259:0 0 8 J 4 journal_sectors:1024 interleave_sectors:32768 buffer_sectors:128 internal_hash:crc32c"));
        StackWalk.Result none = walk().up(DeviceNumber.parse("259:0"), "integrity-checksum", 80, false);
        assertThat(none.chain().get(0).sector()).isEqualTo(80);
        assertThat(none.chain().get(0).note()).contains("no dm-integrity device in inline mode holds it");
        assertThat(none.terminal().kind()).isEqualTo(Location.Kind.UNSUPPORTED); // today's walk: integrity not followed
        // two inline devices over one namespace (different offsets): which one reported is not known
        device("nvme1n1", "259:1", null, null, "dm-1", "dm-2");
        device("dm-1", "254:1", "ka", null);
        device("dm-2", "254:2", "kb", null);
        tables.put(DeviceNumber.parse("254:1"), recordedTable("ka", INLINE_TABLE.replace("259:0 0", "259:1 0")));
        tables.put(DeviceNumber.parse("254:2"), recordedTable("kb", INLINE_TABLE.replace("259:0 0", "259:1 65536")));
        StackWalk.Result two = walk().up(DeviceNumber.parse("259:1"), "integrity-checksum", 80, false);
        assertThat(two.chain()).extracting(Location.Step::device).first().isEqualTo("259:1");
        assertThat(two.chain().get(0).note()).contains("held by 2 dm-integrity devices in inline mode (ka, kb)");
        assertThat(two.top()).isNull();
        // the dm-integrity device itself, as before 6.11: no note
        StackWalk.Result own = walk().up(DeviceNumber.parse("254:1"), "integrity-checksum", 80, false);
        assertThat(own.chain()).containsExactly(new Location.Step("254:1", "ka", "integrity", 80));
    }
}
