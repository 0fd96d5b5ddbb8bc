/*
 * Minimal C multicast receiver for the benchmark: joins AUDIT_NLGRP_READLOG with a 64 MiB
 * SO_RCVBUFFORCE buffer, counts AUDIT_SERVICE_START (1130) records per burst (a burst ends after 1 s
 * without records) and prints one line per burst. Exits after BURSTS bursts.
 *
 *   recv BURSTS [DELAY_MS]   DELAY_MS: wait that long before reading (drain measurement)
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* AUDIT_SERVICE_START (libaudit.h): a user-message type, relayed only while audit is enabled. */
#define BENCH_TYPE 1130

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int bursts = argc > 1 ? atoi(argv[1]) : 1;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    struct sockaddr_nl a = {.nl_family = AF_NETLINK};
    int group = AUDIT_NLGRP_READLOG, rcvbuf = 64 << 20;
    static char buf[16384];

    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0
        || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0
        || setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) != 0) {
        perror("recv: socket setup");
        return 1;
    }
    struct timeval tv = {.tv_sec = 1};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
        perror("recv: SO_RCVTIMEO");
        return 1;
    }
    fprintf(stderr, "recv: ready\n");
    fflush(stderr);
    if (argc > 2)
        usleep((useconds_t)atoi(argv[2]) * 1000u);
    for (int b = 0; b < bursts; b++) {
        long got = 0, enobufs = 0;
        double first = 0, last = 0, start = now();
        for (;;) {
            ssize_t n = recv(fd, buf, sizeof(buf), 0); /* blocking, 1 s SO_RCVTIMEO */
            if (n < 0) {
                if (errno == ENOBUFS)
                    enobufs++;
                else if (errno == EAGAIN && (got > 0 || now() - start > 60))
                    break; /* 1 s idle ends the burst */
                continue;
            }
            if (((struct nlmsghdr *)buf)->nlmsg_type == BENCH_TYPE) {
                last = now();
                if (got++ == 0)
                    first = last;
            }
        }
        printf("C     burst %d: received %ld enobufs %ld in %.3f s = %.0f records/s\n", b, got, enobufs,
               last - first, got > 1 ? (double)(got - 1) / (last - first) : 0.0);
        fflush(stdout);
    }
    return 0;
}
