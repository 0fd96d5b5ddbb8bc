/*
 * Benchmark storm of SYSCALL records: makes N getppid(2) calls as fast as it can. With an audit
 * rule on getppid for this process (tools/bench-overload syscalls adds and removes it), each call
 * makes the kernel emit one event of three records: SYSCALL, PROCTITLE, EOE. These are records the
 * default DM-only socket filter must let through (a DM_CTRL event's companions have these types),
 * unlike the user messages of flood.c, which it drops in the kernel.
 *
 *   syscalls N     prints "syscalls: made N calls in T s (R/s)"
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: syscalls N\n");
        return 2;
    }
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end != '\0' || n <= 0) {
        fprintf(stderr, "syscalls: N must be a positive number, got '%s'\n", argv[1]);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        /* Through syscall(2) so that no libc could answer it without entering the kernel. */
        syscall(SYS_getppid);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("syscalls: made %ld calls in %.3f s (%.0f/s)\n", n, s, (double)n / s);
    return 0;
}
