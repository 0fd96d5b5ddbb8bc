package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The filter program, run by {@link BpfFilter#run} as the kernel would (live: AuditSocketLiveTest). */
class BpfFilterTest {
    private static byte[] datagram(int type) {
        byte[] d = new byte[32];
        d[0] = 32;
        d[4] = (byte) type;
        d[5] = (byte) (type >> 8);
        return d;
    }

    @Test
    void acceptsExactlyTheListedTypes() {
        byte[] prog = BpfFilter.program(1338, 1339, 2, 3, 1000, 1300, 1320);
        for (int t : new int[] {1338, 1339, 2, 3, 1000, 1300, 1320}) {
            assertThat(BpfFilter.run(prog, datagram(t))).as("type %d", t).isNotZero();
        }
        for (int t : new int[] {0, 1, 4, 999, 1001, 1107, 1299, 1301, 1335, 1337, 1340, 0x3a05, 65535}) {
            assertThat(BpfFilter.run(prog, datagram(t))).as("type %d", t).isZero();
        }
    }

    @Test
    void consecutiveTypesBecomeOneRange() {
        assertThat(BpfFilter.ranges(1339, 1338, 2, 3, 3, 1100, 1101, 1102))
                .isDeepEqualTo(new int[][] {{2, 3}, {1100, 1102}, {1338, 1339}});
        byte[] prog = BpfFilter.program(IntStream.rangeClosed(1100, 1199).toArray());
        assertThat(prog.length / BpfFilter.INSN_SIZE).isEqualTo(5 + 2 + 2);
        assertThat(BpfFilter.run(prog, datagram(1099))).isZero();
        assertThat(BpfFilter.run(prog, datagram(1100))).isNotZero();
        assertThat(BpfFilter.run(prog, datagram(1150))).isNotZero();
        assertThat(BpfFilter.run(prog, datagram(1199))).isNotZero();
        assertThat(BpfFilter.run(prog, datagram(1200))).isZero();
    }

    @Test
    void shortDatagramIsDropped() {
        assertThat(BpfFilter.run(BpfFilter.program(2), new byte[4])).isZero();
    }

    @Test
    void refusesWhatCannotBeAFilter() {
        assertThatThrownBy(BpfFilter::program).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BpfFilter.program(70000)).isInstanceOf(IllegalArgumentException.class);
        int[] scattered = IntStream.range(0, 300).map(i -> i * 2).toArray();
        assertThatThrownBy(() -> BpfFilter.program(scattered)).hasMessageContaining("too many");
    }
}
