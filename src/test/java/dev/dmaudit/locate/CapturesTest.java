package dev.dmaudit.locate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parsers on the real output of debugfs, dumpe2fs, xfs_io and xfs_spaceman-style geometry
 * captured in the e2e VM (src/test/resources/locate/README.md); the expected numbers come from the
 * independent tools of the same run (FIEMAP via filefrag, debugfs imap, xfs_db convert).
 */
class CapturesTest {
    static String res(String name) throws IOException {
        try (InputStream in = CapturesTest.class.getResourceAsStream("/locate/" + name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void dumpe2fsLayoutPlacesTheInodeTableAsImapDoes() throws IOException {
        Ext4Layout l = Ext4Layout.parse(res("integrity-ext4/dumpe2fs.txt"));
        assertThat(l.blockSize()).isEqualTo(4096);
        assertThat(l.inodeSize()).isEqualTo(256);
        assertThat(l.journalInode()).isEqualTo(8);
        // imap.txt: "Inode 53 is part of block group 0, located at block 28, offset 0x0400"
        Ext4Layout.Range r = l.rangeOf(28);
        assertThat(r.kind()).isEqualTo("inode_table");
        assertThat(l.inodesInSector(r, 28, 0x400)).containsExactly(53L, 54L);
        assertThat(l.rangeOf(0).kind()).isEqualTo("superblock");
        assertThat(l.rangeOf(1).kind()).isEqualTo("group_descriptors");
        // filefrag.txt: the file's data at 32832..32895 is no static metadata
        assertThat(l.rangeOf(32852)).isNull();
    }

    @Test
    void lvmFilesystemLayoutToo() throws IOException {
        Ext4Layout l = Ext4Layout.parse(res("lvm-ext4/dumpe2fs.txt"));
        assertThat(l.blockCount()).isPositive();
        assertThat(l.ranges()).extracting(Ext4Layout.Range::kind)
                .contains("superblock", "group_descriptors", "block_bitmap", "inode_bitmap", "inode_table");
    }

    @Test
    void icheckNamesTheOwnerOrNone() throws IOException {
        Map<Long, Long> owners = DebugfsOutput.icheck(res("integrity-ext4/icheck.txt"));
        assertThat(owners).containsEntry(32852L, 53L).containsEntry(32926L, 0L).containsEntry(0L, 0L);
    }

    @Test
    void ncheckGivesEveryHardLink() throws IOException {
        Map<Long, List<String>> paths = DebugfsOutput.ncheck(res("integrity-ext4/ncheck.txt"));
        assertThat(paths.get(53L)).containsExactlyInAnyOrder("/dir with spaces/data file.bin", "/other/hard link.bin");
    }

    @Test
    void statMapGivesTheLogicalBlockOfAPhysicalOne() throws IOException {
        DebugfsOutput.Stat st = DebugfsOutput.stat(res("integrity-ext4/stat.txt"));
        assertThat(st.type()).isEqualTo("regular");
        DebugfsOutput.Run run = st.find(32852);
        // filefrag.txt: logical 0..63 at physical 32832..32895
        assertThat(run.logical()).isZero();
        assertThat(run.physical()).isEqualTo(32832);
        assertThat(run.length()).isEqualTo(64);
        assertThat(st.find(32896)).isNull();
    }

    @Test
    void treeBlocksAreNotData() {
        DebugfsOutput.Stat st = DebugfsOutput.stat("Inode: 14   Type: regular\nEXTENTS:\n(ETB0):1500, (0-99):2000-2099, (100):3000\n");
        assertThat(st.find(1500).label()).isEqualTo("ETB0");
        assertThat(st.find(3000).logical()).isEqualTo(100);
        DebugfsOutput.Stat ind = DebugfsOutput.stat("Type: regular\nBLOCKS:\n(0-11):100-111, (IND):112, (12-20):113-121\nTOTAL: 22\n");
        assertThat(ind.find(112).label()).isEqualTo("IND");
        assertThat(ind.find(115).logical()).isEqualTo(12);
    }

    @Test
    void sectionsKeepNcheckLastSoNamesCannotForgeCommands() {
        String out = "debugfs: stat <5>\nType: regular\ndebugfs: ncheck -c 5\nInode\tPathname\n5\t/a\ndebugfs: stat <6>\n6\t/b\n";
        List<Map.Entry<String, String>> s = DebugfsOutput.sections(out);
        assertThat(s).hasSize(2);
        assertThat(s.get(1).getKey()).isEqualTo("ncheck -c 5");
        assertThat(s.get(1).getValue()).contains("debugfs: stat <6>");
    }

    @Test
    void xfsGeometryTurnsTheSectorIntoTheInodeXfsDbNames() throws IOException {
        XfsLocator.Geometry g = XfsLocator.Geometry.parse(res("integrity-xfs/xfs_info.txt"));
        assertThat(g.rmap()).isFalse();
        // ino-daddr.txt: xfs_db "convert inode 131201 daddr" = 80793
        assertThat(res("integrity-xfs/ino-daddr.txt")).contains("(80793)");
        assertThat(g.inodeAt(80793)).isEqualTo(131201);
    }

    @Test
    void fsmapWithoutReverseMapTellsFreeFromUnknown() throws IOException {
        List<XfsLocator.Row> rows = XfsLocator.fsmap(res("integrity-xfs/fsmap.txt"));
        assertThat(rows).isNotEmpty();
        assertThat(rows.get(0).owner()).isEqualTo("unknown");
        assertThat(rows.get(1).owner()).isEqualTo("free space");
        assertThat(rows.get(1).first()).isEqualTo(472);
        assertThat(rows.get(1).last()).isEqualTo(80663);
        assertThat(rows.get(1).fileFirst()).isEqualTo(-1);
    }

    @Test
    void fsmapWithReverseMapNamesTheInodeAndTheFileOffset() throws IOException {
        // fsmap-file-rmapbt.txt: the test file (inode 131201, 256 KiB) on XFS with rmapbt=1
        List<XfsLocator.Row> rows = XfsLocator.fsmap(res("integrity-xfs/fsmap-file-rmapbt.txt"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).owner()).isEqualTo("inode 131201 data");
        assertThat(rows.get(0).first()).isEqualTo(80856);
        assertThat(rows.get(0).fileFirst()).isZero();
        assertThat(XfsLocator.Geometry.parse(res("integrity-xfs/xfs_info-rmapbt.txt")).rmap()).isTrue();
    }

    @Test
    void onThe61KernelAPointQueryOfFreeSpaceGetsNoRecordAWiderOneDoes() throws IOException {
        // fsmap-free-rmapbt.txt: three queries around the freed sector 739 (XFS, rmapbt=1)
        String[] parts = res("integrity-xfs/fsmap-free-rmapbt.txt").split("### ");
        assertThat(XfsLocator.fsmap(parts[1])).isEmpty();                       // -d 739 739
        List<XfsLocator.Row> wider = XfsLocator.fsmap(parts[2]);                 // -d 731 747
        assertThat(wider).singleElement().satisfies(r -> {
            assertThat(r.owner()).isEqualTo("free space");
            assertThat(r.first()).isLessThanOrEqualTo(739);
            assertThat(r.last()).isGreaterThanOrEqualTo(739);
        });
        List<XfsLocator.Row> all = XfsLocator.fsmap(parts[3]);                   // -d 0 747
        assertThat(all).extracting(XfsLocator.Row::owner)
                .contains("static fs metadata", "per-AG metadata", "inode btree", "inodes", "inode 132 data");
    }

    @Test
    void kernelRecordsOfTheRunsNameTheUnitsTheWalkAssumes() throws IOException {
        String recs = res("records-6.1.txt");
        // integrity-ext4: the inode-table sector 226 = block 28 * 8 + 0x400/512 of imap.txt (inode 53)
        assertThat(recs).contains("op=integrity-checksum dev=254:0 sector=226 ");
        // luks-ext4: the AEAD failure names the _dif device 254:0 and the crypt sector of file block
        // 32852 (filefrag.txt) = 262816, crypt offset 0
        assertThat(recs).contains("module=crypt op=integrity-aead dev=254:0 sector=262816 ");
    }
}
