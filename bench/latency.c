/*
 * Latency benchmark (tools/bench-latency): kernel -> receiver output for one user record at a time
 * on an otherwise idle machine.
 *
 *   latency measure LABEL READY TYPE SAMPLES WARMUP GAP_US OUTFILE -- CMD [ARGS...]
 *       Starts CMD with its stdout and stderr on pipes, waits until READY appears on its stderr,
 *       then WARMUP + SAMPLES times: clock_gettime(CLOCK_MONOTONIC); send one user message of TYPE
 *       (1100-1199, 2100-2999 or 1005 AUDIT_USER; the kernel relays it as a record of that type)
 *       whose text carries a sequence number; read CMD's stdout until the line carrying that
 *       number appears; clock again; sleep GAP_US. The first WARMUP samples are discarded; the
 *       others (ns, one per line) are appended to OUTFILE and summarised on stdout. A sample with
 *       no line within 1 s counts as missed. CMD is ended with SIGTERM (SIGKILL after 5 s) by pid.
 *   latency recv
 *       The C baseline receiver: joins AUDIT_NLGRP_READLOG, prints "latency-recv: listening" on
 *       stderr, then recv()s each record and write()s it as one line "TYPE TEXT\n" to stdout.
 *   latency ready READY TIMES ERRLOG -- CMD [ARGS...]
 *       Start-up time (tools/bench-footprint): TIMES starts of CMD, each timed from fork to READY on
 *       its stderr and then ended by pid; prints each time and the median (ms).
 *   latency table FILE...
 *       Prints p50/p90/p99/max (ms) of each sample file side by side (label = file name).
 *   latency --enable STATEFILE | --restore STATEFILE
 *       Saves audit `enabled` and sets it to 1 only if it was 0; --restore puts the saved value back
 *       only if --enable changed it (nothing else in the kernel is touched).
 */
#define _GNU_SOURCE
#include "audit_nl.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TAG "dmaudit-latency"
#define SAMPLE_TIMEOUT_MS 1000
#define READY_TIMEOUT_MS 60000

static unsigned get_enabled(int fd)
{
    struct audit_status s;
    audit_get_status(fd, &s);
    return s.enabled;
}

static void set_enabled(int fd, unsigned enabled)
{
    audit_set_status(fd, AUDIT_STATUS_ENABLED, enabled, 0);
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* ------------------------------------------------------------------ C baseline receiver */
static int run_recv(void)
{
    int fd = nl_open(), group = AUDIT_NLGRP_READLOG;
    static char buf[16384], line[16400];
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) != 0) {
        perror("latency-recv: NETLINK_ADD_MEMBERSHIP");
        return 1;
    }
    fprintf(stderr, "latency-recv: listening\n");
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR || errno == ENOBUFS)
                continue;
            perror("latency-recv: recv");
            return 1;
        }
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        if (n < NLMSG_HDRLEN || h->nlmsg_len > (unsigned)n)
            continue;
        size_t len = h->nlmsg_len - NLMSG_HDRLEN;
        const char *text = NLMSG_DATA(h);
        while (len > 0 && (text[len - 1] == '\0' || text[len - 1] == '\n'))
            len--;
        int k = snprintf(line, sizeof(line), "%u %.*s\n", h->nlmsg_type, (int)len, text);
        if (k < 0 || write(1, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1) < 0)
            return errno == EPIPE ? 0 : 1;
    }
}

/* ------------------------------------------------------------------ measuring */
static pid_t child = -1;

static void stop_child(void)
{
    if (child <= 0)
        return;
    kill(child, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(child, NULL, WNOHANG) == child) {
            child = -1;
            return;
        }
        usleep(10000);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    child = -1;
}

static void on_signal(int sig)
{
    /* Bounded run (alarm) or interrupted: end the receiver we started, then ourselves. */
    if (child > 0)
        kill(child, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

struct reader {
    int fd;
    char buf[1 << 16];
    size_t len;
};

/* Reads what is available into r (non-blocking fd); returns 0 on EOF, -1 on nothing, 1 on data. */
static int fill(struct reader *r, FILE *copy)
{
    if (r->len == sizeof(r->buf))
        r->len = 0; /* a line longer than 64 KiB: drop it */
    ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
    if (n == 0)
        return 0;
    if (n < 0)
        return -1;
    if (copy) {
        fwrite(r->buf + r->len, 1, (size_t)n, copy);
        fflush(copy);
    }
    r->len += (size_t)n;
    return 1;
}

/* Consumes complete lines of r; returns 1 when one held "TAG r=RUN s=SEQ " (or READY, seq < 0). */
static int scan(struct reader *r, long run, long seq, const char *ready)
{
    int found = 0;
    char *start = r->buf, *end = r->buf + r->len, *nl;
    while ((nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
        *nl = '\0';
        if (ready) {
            if (strstr(start, ready))
                found = 1;
        } else {
            char want[64];
            int k = snprintf(want, sizeof(want), TAG " r=%ld s=", run);
            char *p = strstr(start, want);
            if (p) {
                char *q;
                long s = strtol(p + k, &q, 10);
                if (s == seq && (*q == ' ' || *q == '\'' || *q == '"'))
                    found = 1;
            }
        }
        start = nl + 1;
    }
    r->len = (size_t)(end - start);
    memmove(r->buf, start, r->len);
    return found;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static double pct(const long long *v, int n, double p)
{
    /* nearest rank */
    int i = (int)(p / 100.0 * n + 0.999999) - 1;
    if (i < 0)
        i = 0;
    if (i >= n)
        i = n - 1;
    return (double)v[i] / 1e6;
}

static void summary(const char *label, long long *v, int n, int missed)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_ll);
    if (n == 0) {
        printf("%-10s samples 0 missed %d\n", label, missed);
        return;
    }
    printf("%-10s samples %d missed %d  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f ms\n", label, n, missed,
           pct(v, n, 50), pct(v, n, 90), pct(v, n, 99), (double)v[n - 1] / 1e6);
}

static struct reader out, err;
static struct pollfd pf[2];

/* Starts cmd with stdout and stderr on non-blocking pipes (out, err, pf); sets child. */
static void spawn(char **cmd)
{
    int outp[2], errp[2];
    if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        perror("latency: pipe");
        exit(1);
    }
    child = fork();
    if (child < 0) {
        perror("latency: fork");
        exit(1);
    }
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        dup2(outp[1], 1);
        dup2(errp[1], 2);
        execvp(cmd[0], cmd);
        perror(cmd[0]);
        _exit(127);
    }
    close(outp[1]);
    close(errp[1]);
    out.fd = outp[0];
    err.fd = errp[0];
    out.len = err.len = 0;
    fcntl(out.fd, F_SETFL, O_NONBLOCK);
    fcntl(err.fd, F_SETFL, O_NONBLOCK);
    pf[0] = (struct pollfd){.fd = out.fd, .events = POLLIN};
    pf[1] = (struct pollfd){.fd = err.fd, .events = POLLIN};
}

static void close_pipes(void)
{
    close(out.fd);
    close(err.fd);
}

/* Waits until READY appears on the child's stderr (stdout drained meanwhile): 0, or -1 after
 * printing why not. */
static int wait_ready(const char *label, const char *ready, FILE *errcopy, const char *errlog)
{
    long long deadline = now_ns() + READY_TIMEOUT_MS * 1000000LL;
    for (;;) {
        int left = (int)((deadline - now_ns()) / 1000000);
        if (left <= 0 || poll(pf, 2, left) <= 0) {
            fprintf(stderr, "latency: %s: no '%s' on stderr within %d s (see %s)\n", label, ready,
                    READY_TIMEOUT_MS / 1000, errlog);
            return -1;
        }
        if (pf[1].revents) {
            int f = fill(&err, errcopy);
            if (f == 0) {
                fprintf(stderr, "latency: %s: receiver ended before it was ready (see %s)\n", label, errlog);
                return -1;
            }
            if (f > 0 && scan(&err, 0, 0, ready))
                return 0;
        }
        if (pf[0].revents && fill(&out, NULL) >= 0)
            scan(&out, 0, -1, NULL);
    }
}

static void on_signals(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGALRM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    /* Whole run bounded: 10 min is the cap. */
    alarm(600);
}

/* ready READY TIMES ERRLOG -- CMD: start-up time to READY, TIMES starts; prints each and the median. */
static int run_ready(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: latency ready READY TIMES ERRLOG -- CMD [ARGS...]\n");
        return 2;
    }
    const char *ready = argv[1], *errlog = argv[3];
    int times = atoi(argv[2]);
    long long *v = calloc((size_t)times + 1, sizeof(*v));
    on_signals();
    FILE *errcopy = fopen(errlog, "w");
    if (!errcopy) {
        perror(errlog);
        return 1;
    }
    printf("start to '%s' (ms):", ready);
    for (int i = 0; i < times; i++) {
        long long t0 = now_ns();
        spawn(argv + 5);
        int r = wait_ready("start-up", ready, errcopy, errlog);
        v[i] = now_ns() - t0;
        stop_child();
        close_pipes();
        if (r != 0)
            return 1;
        printf(" %.0f", (double)v[i] / 1e6);
        fflush(stdout);
    }
    qsort(v, (size_t)times, sizeof(*v), cmp_ll);
    printf("; median %.0f\n", (double)v[(times - 1) / 2] / 1e6);
    return 0;
}

static int run_measure(int argc, char **argv)
{
    if (argc < 10 || strcmp(argv[8], "--") != 0) {
        fprintf(stderr, "usage: latency measure LABEL READY TYPE SAMPLES WARMUP GAP_US OUTFILE -- CMD [ARGS...]\n");
        return 2;
    }
    const char *label = argv[1], *ready = argv[2], *outfile = argv[7];
    int type = atoi(argv[3]), samples = atoi(argv[4]), warmup = atoi(argv[5]), gap_us = atoi(argv[6]);
    char errlog[4096];
    snprintf(errlog, sizeof(errlog), "%s.stderr", outfile);
    FILE *errcopy = fopen(errlog, "w");
    if (!errcopy) {
        perror(errlog);
        return 1;
    }
    on_signals();
    spawn(argv + 9);
    if (wait_ready(label, ready, errcopy, errlog) != 0) {
        stop_child();
        return 1;
    }

    int fd = nl_open();
    long run = (long)getpid();
    long long *v = calloc((size_t)samples + 1, sizeof(*v));
    /* LATENCY_TRACE=FILE: each sample's send time (CLOCK_MONOTONIC ns, the clock of the JVM's
     * -Xlog decorator "timenanos") and latency, to line slow samples up with JVM log lines. */
    const char *trace_path = getenv("LATENCY_TRACE");
    long long *sent = trace_path ? calloc((size_t)samples + 1, sizeof(*sent)) : NULL;
    int n = 0, missed = 0, warm_missed = 0;
    for (long seq = 0; seq < warmup + samples; seq++) {
        char msg[128];
        int len = snprintf(msg, sizeof(msg), TAG " r=%ld s=%ld end", run, seq);
        long long t0 = now_ns();
        int r = nl_send(fd, type, NLM_F_ACK, msg, (size_t)len + 1);
        if (r != 0) {
            fprintf(stderr, "latency: sendto type %d: %s\n", type, strerror(-r));
            stop_child();
            return 1;
        }
        long long t_end = t0 + SAMPLE_TIMEOUT_MS * 1000000LL, t1 = 0;
        for (;;) {
            if (scan(&out, run, seq, NULL)) {
                t1 = now_ns();
                break;
            }
            int left = (int)((t_end - now_ns()) / 1000000);
            if (left < 0)
                break;
            if (poll(pf, 2, left + 1) < 0 && errno != EINTR)
                break;
            if (pf[1].revents && fill(&err, errcopy) == 0)
                pf[1].fd = -1; /* stderr closed */
            if (pf[0].revents) {
                int f = fill(&out, NULL);
                if (f == 0) {
                    fprintf(stderr, "latency: %s: receiver closed its stdout (see %s)\n", label, errlog);
                    stop_child();
                    return 1;
                }
            }
        }
        /* The kernel's ACK (sent before sendto returned) is read outside the timed window. */
        r = nl_ack(fd);
        if (r != 0) {
            fprintf(stderr, "latency: type %d refused by the kernel: %s\n", type, strerror(-r));
            stop_child();
            return 1;
        }
        if (seq >= warmup) {
            if (t1) {
                if (sent)
                    sent[n] = t0;
                v[n++] = t1 - t0;
            } else {
                missed++;
            }
        } else if (!t1) {
            warm_missed++;
        }
        usleep((useconds_t)gap_us);
    }
    stop_child();
    FILE *f = fopen(outfile, "a");
    if (!f) {
        perror(outfile);
        return 1;
    }
    for (int i = 0; i < n; i++)
        fprintf(f, "%lld\n", v[i]);
    if (fclose(f) != 0) {
        perror(outfile);
        return 1;
    }
    if (sent) {
        FILE *t = fopen(trace_path, "a");
        if (!t) {
            perror(trace_path);
            return 1;
        }
        for (int i = 0; i < n; i++)
            fprintf(t, "%s %lld %lld\n", label, sent[i], v[i]);
        if (fclose(t) != 0) {
            perror(trace_path);
            return 1;
        }
    }
    if (warm_missed)
        fprintf(stderr, "latency: %s: %d of %d warm-up messages got no line within %d ms\n", label, warm_missed,
                warmup, SAMPLE_TIMEOUT_MS);
    summary(label, v, n, missed);
    return 0;
}

/* ------------------------------------------------------------------ table */
static int run_table(int argc, char **argv)
{
    printf("%-12s %8s %8s %9s %9s %9s %9s\n", "receiver", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms", "p50/C");
    double base = 0;
    for (int a = 1; a < argc; a++) {
        FILE *f = fopen(argv[a], "r");
        if (!f) {
            perror(argv[a]);
            return 1;
        }
        int cap = 1024, n = 0;
        long long *v = malloc(sizeof(*v) * (size_t)cap), x;
        while (fscanf(f, "%lld", &x) == 1) {
            if (n == cap)
                v = realloc(v, sizeof(*v) * (size_t)(cap *= 2));
            v[n++] = x;
        }
        fclose(f);
        const char *label = strrchr(argv[a], '/');
        label = label ? label + 1 : argv[a];
        if (n == 0) {
            printf("%-12s %8d\n", label, 0);
            continue;
        }
        qsort(v, (size_t)n, sizeof(*v), cmp_ll);
        double p50 = pct(v, n, 50);
        if (a == 1)
            base = p50;
        printf("%-12s %8d %8.3f %9.3f %9.3f %9.3f %8.1fx\n", label, n, p50, pct(v, n, 90), pct(v, n, 99),
               (double)v[n - 1] / 1e6, base > 0 ? p50 / base : 0.0);
        free(v);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "recv") == 0)
        return run_recv();
    if (argc >= 2 && strcmp(argv[1], "measure") == 0)
        return run_measure(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "ready") == 0)
        return run_ready(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "table") == 0)
        return run_table(argc - 1, argv + 1);
    if (argc == 3 && strcmp(argv[1], "--enable") == 0) {
        int fd = nl_open();
        unsigned was = get_enabled(fd);
        FILE *f = fopen(argv[2], "w");
        if (!f || fprintf(f, "%u\n", was) < 0 || fclose(f) != 0) {
            perror(argv[2]);
            return 1;
        }
        if (was == 0)
            set_enabled(fd, 1);
        fprintf(stderr, "latency: audit enabled was %u%s\n", was, was == 0 ? ", set to 1 for the run" : "");
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--restore") == 0) {
        unsigned was;
        FILE *f = fopen(argv[2], "r");
        if (!f || fscanf(f, "%u", &was) != 1) {
            perror(argv[2]);
            return 1;
        }
        fclose(f);
        int fd = nl_open();
        if (was == 0 && get_enabled(fd) == 1) {
            set_enabled(fd, 0);
            fprintf(stderr, "latency: audit enabled restored to 0\n");
        }
        return 0;
    }
    fprintf(stderr, "usage: latency measure ... | recv | ready ... | table FILE... | --enable FILE | --restore FILE\n");
    return 2;
}
