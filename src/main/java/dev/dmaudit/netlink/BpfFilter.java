package dev.dmaudit.netlink;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds the classic-BPF socket filter (an array of {@code struct sock_filter}, host byte order)
 * that lets only the wanted {@code nlmsg_type} values into user space. The shim only attaches it.
 *
 * <p>BPF loads are big-endian while {@code nlmsg_type} is host order, so the program assembles
 * the type from its two bytes ({@code A = byte[hi] << 8 | byte[lo]}) and compares native values,
 * which lets consecutive types be tested as one range. Rejected datagrams are dropped by the
 * kernel before they take receive-buffer space.
 */
public final class BpfFilter {
    /** Size of one {@code struct sock_filter}. */
    public static final int INSN_SIZE = 8;

    // Opcodes from linux/filter.h (BPF_CLASS | BPF_SIZE | BPF_MODE ...).
    /** Load the byte at absolute offset k into A. */
    static final int LDB_ABS = 0x30;   // BPF_LD | BPF_B | BPF_ABS
    /** A &lt;&lt;= k. */
    static final int LSH_K = 0x64;     // BPF_ALU | BPF_LSH | BPF_K
    /** X = A. */
    static final int TAX = 0x07;       // BPF_MISC | BPF_TAX
    /** A |= X. */
    static final int OR_X = 0x4c;      // BPF_ALU | BPF_OR | BPF_X
    /** Jump by jt when A == k, else by jf. */
    static final int JEQ_K = 0x15;     // BPF_JMP | BPF_JEQ | BPF_K
    /** Jump by jt when A &gt;= k (unsigned), else by jf. */
    static final int JGE_K = 0x35;     // BPF_JMP | BPF_JGE | BPF_K
    /** Jump by jt when A &gt; k (unsigned), else by jf. */
    static final int JGT_K = 0x25;     // BPF_JMP | BPF_JGT | BPF_K
    /** Return k: the bytes of the datagram to keep, 0 drops it. */
    static final int RET_K = 0x06;     // BPF_RET | BPF_K

    /** Longest program {@link #program} builds, so that every jump to the accept instruction fits in a byte. */
    private static final int MAX_INSNS = 256; // jump offsets are one byte

    /** Static helpers only. */
    private BpfFilter() {
    }

    /**
     * @param types the accepted {@code nlmsg_type} values (any order, duplicates allowed)
     * @return the program, {@code INSN_SIZE} bytes per instruction
     * @throws IllegalArgumentException when there are no types, one is out of 0..65535, or they
     *                                  form too many separate ranges for one-byte jumps
     */
    public static byte[] program(int... types) {
        int[][] ranges = ranges(types);
        int tests = 0;
        for (int[] r : ranges) {
            tests += r[0] == r[1] ? 1 : 2;
        }
        int n = 5 + tests + 2;
        if (n > MAX_INSNS) {
            throw new IllegalArgumentException(ranges.length + " separate type ranges are too many for one filter");
        }
        boolean le = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        Asm a = new Asm(n);
        a.emit(LDB_ABS, 0, 0, le ? 5 : 4); // high byte of nlmsg_type (offset 4)
        a.emit(LSH_K, 0, 0, 8);
        a.emit(TAX, 0, 0, 0);
        a.emit(LDB_ABS, 0, 0, le ? 4 : 5); // low byte
        a.emit(OR_X, 0, 0, 0);
        int accept = n - 1;
        for (int[] r : ranges) {
            if (r[0] == r[1]) {
                a.emit(JEQ_K, accept - a.pc - 1, 0, r[0]);
            } else {
                a.emit(JGE_K, 0, 1, r[0]);                 // below: skip the upper test
                a.emit(JGT_K, 0, accept - a.pc - 1, r[1]);  // inside: accept
            }
        }
        a.emit(RET_K, 0, 0, 0);          // drop
        a.emit(RET_K, 0, 0, 0xffffffff); // accept the whole datagram
        return a.out;
    }

    /**
     * Sorts the types and merges consecutive and duplicate values into ranges.
     *
     * @param types the accepted {@code nlmsg_type} values
     * @return sorted, disjoint, non-adjacent {@code {lo, hi}} pairs (inclusive)
     * @throws IllegalArgumentException when there are no types or one is out of 0..65535
     */
    static int[][] ranges(int... types) {
        if (types == null || types.length == 0) {
            throw new IllegalArgumentException("no message types to accept");
        }
        int[] t = types.clone();
        Arrays.sort(t);
        if (t[0] < 0 || t[t.length - 1] > 0xffff) {
            throw new IllegalArgumentException("nlmsg_type out of range");
        }
        int[][] out = new int[t.length][];
        int k = 0;
        for (int v : t) {
            if (k > 0 && v <= out[k - 1][1] + 1) {
                out[k - 1][1] = Math.max(out[k - 1][1], v);
            } else {
                out[k++] = new int[] {v, v};
            }
        }
        return Arrays.copyOf(out, k);
    }

    /**
     * Runs a program on a datagram, as the kernel would (for tests and diagnostics; only the
     * opcodes {@link #program} emits).
     *
     * @param prog     the program
     * @param datagram the datagram bytes
     * @return the kernel's verdict: bytes to keep, 0 to drop
     */
    static int run(byte[] prog, byte[] datagram) {
        int a = 0;
        int x = 0;
        int pc = 0;
        while (true) {
            int o = pc * INSN_SIZE;
            int code = (prog[o] & 0xff) | (prog[o + 1] & 0xff) << 8;
            int jt = prog[o + 2] & 0xff;
            int jf = prog[o + 3] & 0xff;
            int k = (prog[o + 4] & 0xff) | (prog[o + 5] & 0xff) << 8 | (prog[o + 6] & 0xff) << 16 | (prog[o + 7] & 0xff) << 24;
            pc++;
            switch (code) {
                case LDB_ABS -> {
                    if (k >= datagram.length) {
                        return 0;
                    }
                    a = datagram[k] & 0xff;
                }
                case LSH_K -> a <<= k;
                case TAX -> x = a;
                case OR_X -> a |= x;
                case JEQ_K -> pc += a == k ? jt : jf;
                case JGE_K -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                case JGT_K -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf;
                case RET_K -> {
                    return k;
                }
                default -> throw new IllegalStateException("opcode " + code);
            }
        }
    }

    /** Writes instructions into a program buffer, in order. */
    private static final class Asm {
        /** The program, {@link #INSN_SIZE} bytes per instruction. */
        final byte[] out;
        /** Index of the next instruction to write. */
        int pc;

        /**
         * @param n the number of instructions the program will have
         */
        Asm(int n) {
            out = new byte[n * INSN_SIZE];
        }

        /**
         * Appends one {@code struct sock_filter}, little-endian (the host order on x86-64 and aarch64).
         *
         * @param code the opcode
         * @param jt   instructions to skip when a jump is taken
         * @param jf   instructions to skip when it is not
         * @param k    the constant operand
         */
        void emit(int code, int jt, int jf, int k) {
            int o = pc++ * INSN_SIZE;
            out[o] = (byte) code;
            out[o + 1] = (byte) (code >>> 8);
            out[o + 2] = (byte) jt;
            out[o + 3] = (byte) jf;
            out[o + 4] = (byte) k;
            out[o + 5] = (byte) (k >>> 8);
            out[o + 6] = (byte) (k >>> 16);
            out[o + 7] = (byte) (k >>> 24);
        }
    }
}
