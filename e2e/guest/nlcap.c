/*
 * nlcap: stand-in audit listener for the e2e harness (test tool, not part of dmaudit).
 *
 * Joins NETLINK_AUDIT multicast group 1 (AUDIT_NLGRP_READLOG; needs CAP_AUDIT_READ) and writes
 * every record it receives as one line:  type=<NUM> msg=<payload>
 * (the format of src/test/resources/kernel-6.1-dm-integrity/{multicast,auditd}/records.txt), flushed per line.
 *
 *   nlcap [-o FILE] [-r READY_FILE] [-p PREFIX]
 *     -o FILE        append records to FILE (default stdout)
 *     -r READY_FILE  create READY_FILE once the socket has joined the group
 *     -p PREFIX      prefix every line (e.g. for a live console)
 *
 * SIGTERM/SIGINT: drains what is already queued on the socket, prints a summary to stderr
 * ("nlcap: N records, E ENOBUFS") and exits 0. ENOBUFS (records lost on this socket) is counted
 * and reported, not fatal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static unsigned long records, enobufs;

static void emit(FILE *out, const char *prefix, const struct nlmsghdr *nh) {
    size_t len = nh->nlmsg_len - NLMSG_HDRLEN;
    const char *p = NLMSG_DATA(nh);
    while (len > 0 && (p[len - 1] == '\0' || p[len - 1] == '\n')) len--;
    fprintf(out, "%stype=%u msg=%.*s\n", prefix, nh->nlmsg_type, (int)len, p);
    fflush(out);
    records++;
}

/* Reads one datagram; returns 1 if one was handled, 0 if none was waiting, -1 on error. */
static int receive(int fd, FILE *out, const char *prefix, int flags) {
    static char buf[1 << 17];
    ssize_t n = recv(fd, buf, sizeof buf, flags);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        if (errno == ENOBUFS) { enobufs++; fprintf(stderr, "nlcap: ENOBUFS (records lost)\n"); return 1; }
        perror("nlcap: recv");
        return -1;
    }
    int left = (int)n;
    for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left))
        emit(out, prefix, nh);
    return 1;
}

int main(int argc, char **argv) {
    const char *outpath = NULL, *ready = NULL, *prefix = "";
    int c;
    while ((c = getopt(argc, argv, "o:r:p:h")) != -1) {
        switch (c) {
        case 'o': outpath = optarg; break;
        case 'r': ready = optarg; break;
        case 'p': prefix = optarg; break;
        default:
            fprintf(stderr, "usage: nlcap [-o FILE] [-r READY_FILE] [-p PREFIX]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    FILE *out = stdout;
    if (outpath && !(out = fopen(outpath, "a"))) { perror(outpath); return 1; }

    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0) { perror("nlcap: socket(NETLINK_AUDIT)"); return 1; }
    int rcvbuf = 64 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("nlcap: bind to AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ)");
        return 1;
    }

    /* SIGTERM only interrupts ppoll(), so no signal is lost between the check and the wait. */
    sigset_t block, orig;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &orig);
    struct sigaction act = { .sa_handler = on_signal };
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);

    if (ready) {
        int rf = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (rf < 0) { perror(ready); return 1; }
        dprintf(rf, "%d\n", (int)getpid());
        close(rf);
    }
    fprintf(stderr, "nlcap: pid %d joined NETLINK_AUDIT group %d\n", (int)getpid(), AUDIT_NLGRP_READLOG);

    int rc = 0;
    while (!stop) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int r = ppoll(&pfd, 1, NULL, &orig);
        if (r < 0) {
            if (errno == EINTR) continue;
            perror("nlcap: ppoll");
            rc = 1;
            break;
        }
        if (receive(fd, out, prefix, MSG_DONTWAIT) < 0) { rc = 1; break; }
    }
    /* Drain what is already queued. */
    int r;
    while ((r = receive(fd, out, prefix, MSG_DONTWAIT)) > 0) {}
    if (r < 0) rc = 1;
    fprintf(stderr, "nlcap: %lu records, %lu ENOBUFS\n", records, enobufs);
    if (out != stdout) fclose(out);
    return rc;
}
