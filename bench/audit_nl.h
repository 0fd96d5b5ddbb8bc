/*
 * NETLINK_AUDIT helpers shared by the benchmark programs in bench/ (header-only: each program is
 * one `cc` call in the tools/ scripts; inline so that a program using only some of them builds with
 * -Werror).
 */
#ifndef DMAUDIT_BENCH_AUDIT_NL_H
#define DMAUDIT_BENCH_AUDIT_NL_H

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A bound NETLINK_AUDIT socket; exits on failure (a benchmark cannot go on without it). */
static inline int nl_open(void)
{
    struct sockaddr_nl a = {.nl_family = AF_NETLINK};
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        perror("netlink audit socket");
        exit(1);
    }
    return fd;
}

/* Sends one request of TYPE to the kernel: 0 or -errno. */
static inline int nl_send(int fd, int type, int flags, const void *data, size_t len)
{
    struct {
        struct nlmsghdr h;
        char data[1024];
    } m;
    struct sockaddr_nl k = {.nl_family = AF_NETLINK};
    if (len > sizeof(m.data))
        return -EMSGSIZE;
    memset(&m.h, 0, sizeof(m.h));
    m.h.nlmsg_len = NLMSG_LENGTH(len);
    m.h.nlmsg_type = type;
    m.h.nlmsg_flags = NLM_F_REQUEST | flags;
    m.h.nlmsg_seq = 1;
    memcpy(m.data, data, len);
    return sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0 ? -errno : 0;
}

/* Reads the kernel's answer to a request sent with NLM_F_ACK: 0 or -errno. */
static inline int nl_ack(int fd)
{
    char buf[8192];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        if (n >= (ssize_t)NLMSG_HDRLEN && h->nlmsg_type == NLMSG_ERROR)
            return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
    }
}

/* AUDIT_GET: the kernel's audit status; exits on failure. */
static inline void audit_get_status(int fd, struct audit_status *s)
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
            perror("recv AUDIT_GET");
            exit(1);
        }
        if (h->nlmsg_type == AUDIT_GET) {
            size_t len = (size_t)n - NLMSG_HDRLEN;
            memset(s, 0, sizeof(*s));
            memcpy(s, NLMSG_DATA(h), len < sizeof(*s) ? len : sizeof(*s));
            return;
        }
    }
}

/* AUDIT_SET of the fields in MASK, acknowledged by the kernel; exits naming the errno on failure. */
static inline void audit_set_status(int fd, unsigned mask, unsigned enabled, unsigned backlog_limit)
{
    struct audit_status s;
    memset(&s, 0, sizeof(s));
    s.mask = mask;
    s.enabled = enabled;
    s.backlog_limit = backlog_limit;
    int r = nl_send(fd, AUDIT_SET, NLM_F_ACK, &s, sizeof(s));
    if (r == 0)
        r = nl_ack(fd);
    if (r != 0) {
        fprintf(stderr, "AUDIT_SET mask=%#x: %s\n", mask, strerror(-r));
        exit(1);
    }
}

#endif
