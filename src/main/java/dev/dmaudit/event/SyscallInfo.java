package dev.dmaudit.event;

/**
 * The system call during which a control event happened, from the SYSCALL and PROCTITLE records
 * of the same serial.
 *
 * @param arch      audit arch, e.g. {@code c000003e} (x86-64)
 * @param syscall   the syscall number (16 is ioctl on x86-64)
 * @param success   whether it succeeded
 * @param exit      its return value (negative errno on failure)
 * @param proctitle the command line, NUL separators as spaces, or null
 */
public record SyscallInfo(String arch, int syscall, boolean success, long exit, String proctitle) {
}
