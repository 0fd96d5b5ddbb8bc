/*
 * Minimal C receiver for the benchmarks, the cheapest possible reader of the audit stream.
 *
 * Multicast (default): joins AUDIT_NLGRP_READLOG with a 64 MiB SO_RCVBUFFORCE buffer.
 * --daemon: registers as the audit daemon instead (AUDIT_SET pid, acknowledged), so the kernel
 * unicasts every record to it and throttles senders on its speed; it does nothing with a record but
 * count it, and unregisters (AUDIT_SET pid 0) before it exits, also on SIGTERM/SIGINT.
 * --rcvbuf MIB sets the buffer size (0: leave the kernel's default, as auditd does).
 *
 * Counts AUDIT_SERVICE_START (1130) records per burst (a burst ends after 1 s without records),
 * prints one line per burst, and exits after BURSTS bursts.
 *
 *   recv [--daemon] [--rcvbuf MIB] BURSTS [DELAY_MS]   DELAY_MS: wait before reading (drain measurement)
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
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

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* AUDIT_SET pid (PID or 0), acknowledged; records arriving before the ACK are skipped by nl_ack. */
static int set_daemon_pid(int fd, pid_t pid)
{
    struct audit_status s;
    memset(&s, 0, sizeof(s));
    s.mask = AUDIT_STATUS_PID;
    s.pid = (__u32)pid;
    int r = nl_send(fd, AUDIT_SET, NLM_F_ACK, &s, sizeof(s));
    return r != 0 ? r : nl_ack(fd);
}

int main(int argc, char **argv)
{
    int daemon = 0, rcvbuf = 64 << 20, a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "--daemon") == 0)
            daemon = 1;
        else if (strcmp(argv[a], "--rcvbuf") == 0 && a + 1 < argc)
            rcvbuf = atoi(argv[++a]) << 20;
        else {
            fprintf(stderr, "usage: recv [--daemon] [--rcvbuf MIB] BURSTS [DELAY_MS]\n");
            return 2;
        }
    }
    int bursts = a < argc ? atoi(argv[a]) : 1;
    int fd = nl_open();
    int group = AUDIT_NLGRP_READLOG;
    static char buf[16384];

    if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0) {
        perror("recv: SO_RCVBUFFORCE");
        return 1;
    }
    struct timeval tv = {.tv_sec = 1};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
        perror("recv: SO_RCVTIMEO");
        return 1;
    }
    /* No SA_RESTART: a signal ends the blocking recv so that the daemon can unregister. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (daemon) {
        int r = set_daemon_pid(fd, getpid());
        if (r != 0) {
            fprintf(stderr, "recv: AUDIT_SET pid: %s\n", strerror(-r));
            return 1;
        }
    } else if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) != 0) {
        perror("recv: NETLINK_ADD_MEMBERSHIP");
        return 1;
    }
    fprintf(stderr, "recv: ready%s\n", daemon ? " (registered audit daemon)" : "");
    fflush(stderr);
    if (a + 1 < argc)
        usleep((useconds_t)atoi(argv[a + 1]) * 1000u);
    for (int b = 0; b < bursts && !stop; b++) {
        long got = 0, enobufs = 0;
        double first = 0, last = 0, start = now();
        while (!stop) {
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
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("C     burst %d: received %ld enobufs %ld in %.3f s = %.0f records/s (cpu so far %.3f s)\n", b, got,
               enobufs, last - first, got > 1 ? (double)(got - 1) / (last - first) : 0.0,
               (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
        fflush(stdout);
    }
    if (daemon) {
        int r = set_daemon_pid(fd, 0);
        if (r != 0) {
            fprintf(stderr, "recv: AUDIT_SET pid 0 (unregister): %s\n", strerror(-r));
            return 1;
        }
    }
    return 0;
}
