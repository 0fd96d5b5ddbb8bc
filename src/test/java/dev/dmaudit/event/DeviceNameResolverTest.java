package dev.dmaudit.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.record.DeviceNumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orderings in which a reused device number must never get a former (or later) owner's name,
 * on a fake sysfs tree that each test changes as the kernel would between emitting a record and
 * the listener reading it.
 */
class DeviceNameResolverTest {
    private static final DeviceNumber DEV = new DeviceNumber(254, 0);
    @TempDir
    Path sys;
    private DeviceNameResolver names;
    private long serial;

    @BeforeEach
    void setUp() {
        names = new DeviceNameResolver(sys);
    }

    /** The kernel creates a disk for a dm device: a new diskseq each time. */
    private void present(String name, String uuid, int diskseq) throws IOException {
        Path dir = sys.resolve("dev/block/254:0");
        Files.createDirectories(dir.resolve("dm"));
        Files.writeString(dir.resolve("dm/name"), name + "\n");
        Files.writeString(dir.resolve("dm/uuid"), uuid == null ? "\n" : uuid + "\n");
        Files.writeString(dir.resolve("diskseq"), diskseq + "\n");
    }

    private void removed() throws IOException {
        Path dir = sys.resolve("dev/block/254:0");
        for (String f : List.of("dm/name", "dm/uuid", "diskseq")) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }

    private DmEvent event(String proctitle, DmRecord... records) {
        SyscallInfo sc = proctitle == null ? null : new SyscallInfo("c000003e", 16, true, 0, proctitle);
        return new DmEvent(++serial, 0, List.of(records), null, sc, null);
    }

    private DmEvent ctr(String proctitle) {
        return event(proctitle, new DmControl("integrity", "ctr", DEV, "success", true));
    }

    private DmEvent dtr(String proctitle) {
        return event(proctitle, new DmControl("integrity", "dtr", DEV, "success", true));
    }

    private DmEvent failedCtr(String proctitle) {
        return event(proctitle, new DmControl("integrity", "ctr", DEV, "The device is not initialized", false),
                new DmControl("integrity", "dtr", DEV, "success", true));
    }

    private DmEvent checksum() {
        return event(null, new DmData("integrity", "integrity-checksum", DEV, 20000, false));
    }

    @Test
    void theDemoSequenceNeverGivesTheFailedConstructorTheFormerName() throws IOException {
        present("integritytest", "CRYPT-INTEGRITY-1", 10);
        assertThat(names.nameFor(ctr("integritysetup open -D /dev/loop0 --integrity sha256 integritytest"))).isEqualTo("integritytest");
        assertThat(names.nameFor(checksum())).isEqualTo("integritytest");
        removed();
        assertThat(names.nameFor(dtr("integritysetup close integritytest"))).isEqualTo("integritytest");
        // dmsetup create badint: the failing table never gets a disk; sysfs shows nothing for it.
        assertThat(names.nameFor(failedCtr("dmsetup create badint --table 0 1000 integrity /dev/loop1 0 32 J 1"))).isNull();
    }

    @Test
    void aFailedConstructorIsNotNamedAfterTheNextOwnerSysfsAlreadyShows() throws IOException {
        present("integritytest", null, 10);
        names.nameFor(ctr("integritysetup open /dev/loop0 integritytest"));
        removed();
        names.nameFor(dtr("integritysetup close integritytest"));
        // Read late: badint failed and was removed, and the third device already holds 254:0 —
        // even when the failing command happens to name it.
        present("third", null, 12);
        assertThat(names.nameFor(failedCtr("dmsetup create third --table 0 1000 integrity /dev/loop1 0 32 J 1"))).isNull();
        assertThat(names.nameFor(ctr("integritysetup open /dev/loop0 third"))).isEqualTo("third");
        assertThat(names.nameFor(checksum())).isEqualTo("third");
    }

    @Test
    void recordsReadAfterTheDeviceWasRemovedKeepTheOwnerTheStreamConfirmed() throws IOException {
        present("integritytest", null, 10);
        assertThat(names.nameFor(ctr("integritysetup open /dev/loop0 integritytest"))).isEqualTo("integritytest");
        removed(); // the listener lags: the close already happened
        assertThat(names.nameFor(checksum())).isEqualTo("integritytest");
        assertThat(names.nameFor(dtr("integritysetup close integritytest"))).isEqualTo("integritytest");
        // After its dtr the number has no known owner: a later record is not given the old name.
        assertThat(names.nameFor(checksum())).isNull();
    }

    @Test
    void aBioEventBeforeTheOwnersDtrKeepsItsNameWhileSysfsShowsTheSuccessor() throws IOException {
        present("first", null, 10);
        names.nameFor(ctr("integritysetup open /dev/loop0 first"));
        present("second", null, 11); // first removed, second created; their records not read yet
        assertThat(names.nameFor(checksum())).isEqualTo("first");
        assertThat(names.nameFor(dtr("integritysetup close first"))).isEqualTo("first");
        assertThat(names.nameFor(ctr("integritysetup open /dev/loop0 second"))).isEqualTo("second");
    }

    private DmEvent targetLevelAt(long at) {
        return new DmEvent(at, 0, List.of(new DmData("verity", "max-corrupted-errors", DEV, -1, false)), null, null, null);
    }

    @Test
    void anEventCompletedAfterItsDevicesDtrAndASuccessorsCtrKeepsItsOwnersName() throws IOException {
        present("kveio", null, 10);
        assertThat(names.nameFor(ctr("veritysetup open /dev/loop0 kveio /dev/loop1 ROOT"))).isEqualTo("kveio");
        long emitted = ++serial; // max-corrupted-errors: no EOE, so it waits for the grouping timeout
        removed();
        assertThat(names.nameFor(dtr("veritysetup close kveio"))).isEqualTo("kveio");
        present("kvlog", null, 11); // the next table takes the number at once
        assertThat(names.nameFor(ctr("veritysetup open /dev/loop0 kvlog /dev/loop1 ROOT"))).isEqualTo("kvlog");
        assertThat(names.nameFor(targetLevelAt(emitted))).isEqualTo("kveio");
        // and what the stream shows after the successor's ctr is the successor's
        assertThat(names.nameFor(checksum())).isEqualTo("kvlog");
    }

    @Test
    void aLateEventOfAnOwnerNeverConfirmedIsNotNamedAfterTheSuccessor() throws IOException {
        long emitted = ++serial; // the listener started after the first device's ctr
        assertThat(names.nameFor(dtr("veritysetup close kveio"))).isNull();
        present("kvlog", null, 11);
        assertThat(names.nameFor(ctr("veritysetup open /dev/loop0 kvlog /dev/loop1 ROOT"))).isEqualTo("kvlog");
        assertThat(names.nameFor(targetLevelAt(emitted))).isNull();
    }

    @Test
    void aConstructorReadAfterTheNumberChangedOwnerIsNotNamed() throws IOException {
        // ctr of "gone" read only after it was removed and "later" took the number.
        present("later", null, 11);
        assertThat(names.nameFor(ctr("integritysetup open /dev/loop0 gone"))).isNull();
        // Nor are the records that follow it: the owner was never confirmed.
        assertThat(names.nameFor(dtr("integritysetup close gone"))).isNull();
        removed();
        assertThat(names.nameFor(ctr("integritysetup open /dev/loop0 gone"))).isNull();
    }

    @Test
    void aBioEventForAnExistingDeviceIsNamedFromSysfs() throws IOException {
        present("integritytest", "CRYPT-INTEGRITY-1", 10);
        assertThat(names.nameFor(checksum())).isEqualTo("integritytest");
        assertThat(names.lookup(DEV).uuid()).isEqualTo("CRYPT-INTEGRITY-1");
        assertThat(names.lookup(DEV).diskseq()).isEqualTo("10");
        // With no ctr/dtr in between it stays that device's (its dtr comes later in the stream).
        removed();
        assertThat(names.nameFor(checksum())).isEqualTo("integritytest");
        assertThat(names.nameFor(dtr(null))).isEqualTo("integritytest");
    }

    @Test
    void noDeviceNoName() {
        assertThat(names.nameFor(checksum())).isNull();
        assertThat(names.nameFor(ctr("integritysetup open /dev/loop0 x"))).isNull();
        assertThat(names.nameFor(new DmEvent(1, 0, List.of(new DmData("integrity", "integrity-checksum", null, 1, false)),
                null, null, null))).isNull();
    }

    @Test
    void aReloadOfTheKnownDeviceIsNamedWithoutTheCommandLine() throws IOException {
        present("vol", "LVM-abc", 10);
        assertThat(names.nameFor(checksum())).isEqualTo("vol");
        // lvm-style reload + resume: the command line does not carry the dm name.
        assertThat(names.nameFor(ctr("lvchange --refresh vg/lv"))).isEqualTo("vol");
        assertThat(names.nameFor(dtr("lvchange --refresh vg/lv"))).isEqualTo("vol");
    }

    @Test
    void aNewDeviceWithTheSameNameIsANewOwner() throws IOException {
        present("integritytest", null, 10);
        assertThat(names.nameFor(checksum())).isEqualTo("integritytest");
        present("integritytest", null, 11); // closed and reopened: same name, new disk
        assertThat(names.lookup(DEV).sameOwner(new DeviceNameResolver.DeviceInfo("integritytest", null, "10", List.of())))
                .isFalse();
        // Not a reload of the known device, and the command line does not name it: unsure.
        assertThat(names.nameFor(ctr(null))).isNull();
    }
}
