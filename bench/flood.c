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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* AUDIT_SERVICE_START (libaudit.h): a user-message type, relayed only while audit is enabled. */
#define BENCH_TYPE 1130

static int nl_open(void)
{
    struct sockaddr_nl a = {.nl_family = AF_NETLINK};
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        perror("netlink audit socket");
        exit(1);
    }
    return fd;
}

static int nl_send(int fd, int type, int flags, const void *data, size_t len)
{
    struct {
        struct nlmsghdr h;
        char data[1024];
    } m;
    struct sockaddr_nl k = {.nl_family = AF_NETLINK};
    memset(&m.h, 0, sizeof(m.h));
    m.h.nlmsg_len = NLMSG_LENGTH(len);
    m.h.nlmsg_type = type;
    m.h.nlmsg_flags = NLM_F_REQUEST | flags;
    m.h.nlmsg_seq = 1;
    memcpy(m.data, data, len);
    return sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0 ? -errno : 0;
}

static void get_status(int fd, struct audit_status *s)
{
    char buf[8192];
    if (nl_send(fd, AUDIT_GET, 0, NULL, 0) != 0) {
        perror("AUDIT_GET");
        exit(1);
    }
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        if (n < 0) {
            perror("recv");
            exit(1);
        }
        if (h->nlmsg_type == AUDIT_GET) {
            memset(s, 0, sizeof(*s));
            memcpy(s, NLMSG_DATA(h), (size_t)n - NLMSG_HDRLEN < sizeof(*s) ? (size_t)n - NLMSG_HDRLEN : sizeof(*s));
            return;
        }
    }
}

static void set_status(int fd, unsigned mask, unsigned enabled, unsigned backlog)
{
    struct audit_status s;
    memset(&s, 0, sizeof(s));
    s.mask = mask;
    s.enabled = enabled;
    s.backlog_limit = backlog;
    if (nl_send(fd, AUDIT_SET, 0, &s, sizeof(s)) != 0) {
        perror("AUDIT_SET");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    int fd = nl_open();
    if (argc == 3 && strcmp(argv[1], "--setup") == 0) {
        struct audit_status s;
        FILE *f = fopen(argv[2], "w");
        get_status(fd, &s);
        if (!f || fprintf(f, "%u %u\n", s.enabled, s.backlog_limit) < 0 || fclose(f) != 0) {
            perror(argv[2]);
            return 1;
        }
        set_status(fd, AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT, 1, 8192);
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
        set_status(fd, AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT, enabled, backlog);
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
    printf("flood: sent %ld in %.3f s (%.0f/s)\n", n, s, (double)n / s);
    return 0;
}
