/*
 * Benchmark flooder: sends N AUDIT_SERVICE_START (1130, a user-message type) messages to the kernel from one process as fast
 * as sendto allows. With --setup it first saves the audit settings, sets enabled=1 and
 * backlog_limit=8192, and --restore puts saved values back (state file argument).
 *
 *   flood N                      send N messages (audit must be enabled)
 *   flood --setup STATEFILE      save enabled/backlog_limit, enable audit, backlog_limit 8192
 *   flood --restore STATEFILE    restore what --setup saved
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "audit_nl.h"

/* AUDIT_SERVICE_START (libaudit.h): a user-message type, relayed only while audit is enabled. */
#define BENCH_TYPE 1130

int main(int argc, char **argv)
{
    int fd = nl_open();
    if (argc == 3 && strcmp(argv[1], "--setup") == 0) {
        struct audit_status s;
        FILE *f = fopen(argv[2], "w");
        audit_get_status(fd, &s);
        if (!f || fprintf(f, "%u %u\n", s.enabled, s.backlog_limit) < 0 || fclose(f) != 0) {
            perror(argv[2]);
            return 1;
        }
        audit_set_status(fd, AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT, 1, 8192);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--restore") == 0) {
        unsigned enabled, backlog;
        FILE *f = fopen(argv[2], "r");
        if (!f || fscanf(f, "%u %u", &enabled, &backlog) != 2) {
            perror(argv[2]);
            return 1;
        }
        fclose(f);
        audit_set_status(fd, AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT, enabled, backlog);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: flood N | --setup FILE | --restore FILE\n");
        return 2;
    }
    long n = atol(argv[1]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        char msg[128];
        int len = snprintf(msg, sizeof(msg), "dmaudit-bench n=%ld", i);
        int r;
        while ((r = nl_send(fd, BENCH_TYPE, 0, msg, (size_t)len + 1)) == -EINTR || r == -ENOBUFS || r == -EAGAIN)
            ;
        if (r != 0) {
            fprintf(stderr, "sendto: %s\n", strerror(-r));
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    /* CPU beside wall time: on a shared machine the wall time alone mixes in other work. */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("flood: sent %ld in %.3f s (%.0f/s), cpu %.3f s user %.3f s sys\n", n, s, (double)n / s,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
    return 0;
}
