/*
 * abi_check: loads a libdmaudit.so as JNA does (dlopen), resolves every function the Java side
 * binds and prints the shim's ABI version; then calls the socket functions on a real socket and
 * dmaudit_open_append on files in a new temporary directory (its struct stat is laid out per
 * architecture), so a cross-compiled shim run under qemu-user is exercised, not only linked
 * (tools/native-check).
 *
 * Output, one key=value a line: abi=N, socket=netlink-audit|unix, rcvbuf=forced|plain,
 * effective=N, filter=ok, filter_einval=ok, open_append=ok. Exit 0 when every call behaved,
 * 1 when one did not, 2 when the library cannot be loaded or lacks a symbol.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*abi_fn)(void);
typedef int (*rcvbuf_fn)(int, int, int *);
typedef int (*filter_fn)(int, const void *, int);
typedef int (*append_fn)(const char *, int, long long *);

static void *need(void *lib, const char *name)
{
    void *f = dlsym(lib, name);

    if (f == NULL)
        fprintf(stderr, "abi_check: %s: %s\n", name, dlerror());
    return f;
}

/* A new file (0600, ours, empty), the same file again (size 1 after a write), EEXIST for a second
   create, ELOOP through a symbolic link. */
static int check_open_append(append_fn append)
{
    char dir[] = "/tmp/abi_check.XXXXXX";
    char file[64], link[64];
    long long st[3] = {0, 0, -1};
    int bad = 0;

    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "abi_check: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    snprintf(file, sizeof(file), "%s/out", dir);
    snprintf(link, sizeof(link), "%s/link", dir);
    int fd = append(file, 1, st);
    if (fd < 0 || !S_ISREG((mode_t)st[0]) || (st[0] & 07777) != 0600 || st[1] != (long long)getuid() || st[2] != 0) {
        fprintf(stderr, "abi_check: dmaudit_open_append(new): %d, mode %llo uid %lld size %lld\n", fd, st[0], st[1], st[2]);
        bad = 1;
    }
    if (fd >= 0) {
        if (write(fd, "x", 1) != 1)
            bad = 1;
        close(fd);
    }
    fd = append(file, 0, st);
    if (fd < 0 || st[2] != 1) {
        fprintf(stderr, "abi_check: dmaudit_open_append(existing): %d, size %lld\n", fd, st[2]);
        bad = 1;
    }
    if (fd >= 0)
        close(fd);
    int r = append(file, 1, st);
    if (r != -EEXIST) {
        fprintf(stderr, "abi_check: dmaudit_open_append(new, exists): %d, expected -EEXIST\n", r);
        bad = 1;
    }
    if (symlink(file, link) != 0 || (r = append(link, 0, st)) != -ELOOP) {
        fprintf(stderr, "abi_check: dmaudit_open_append(symlink): %d, expected -ELOOP\n", r);
        bad = 1;
    }
    unlink(link);
    unlink(file);
    rmdir(dir);
    if (!bad)
        printf("open_append=ok\n");
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: abi_check /path/to/libdmaudit.so\n");
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "abi_check: dlopen: %s\n", dlerror());
        return 2;
    }
    abi_fn abi = (abi_fn)need(lib, "dmaudit_abi_version");
    rcvbuf_fn rcvbuf = (rcvbuf_fn)need(lib, "dmaudit_set_rcvbuf");
    filter_fn filter = (filter_fn)need(lib, "dmaudit_attach_filter");
    append_fn append = (append_fn)need(lib, "dmaudit_open_append");
    if (abi == NULL || rcvbuf == NULL || filter == NULL || append == NULL)
        return 2;
    printf("abi=%d\n", abi());

    /* The shim's real use is a NETLINK_AUDIT socket; a kernel (or emulator) that refuses one
       still lets the socket options be exercised on a Unix datagram socket. */
    const char *kind = "netlink-audit";
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0) {
        fprintf(stderr, "abi_check: socket(AF_NETLINK, NETLINK_AUDIT): %s; using AF_UNIX\n", strerror(errno));
        kind = "unix";
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fprintf(stderr, "abi_check: socket(AF_UNIX): %s\n", strerror(errno));
            return 1;
        }
    }
    printf("socket=%s\n", kind);

    int bad = 0;
    int effective = 0;
    int r = rcvbuf(fd, 1 << 20, &effective);
    if (r < 0 || effective <= 0) {
        fprintf(stderr, "abi_check: dmaudit_set_rcvbuf: %d (%s), effective %d\n", r, strerror(r < 0 ? -r : 0), effective);
        bad = 1;
    } else {
        printf("rcvbuf=%s\neffective=%d\n", r == 1 ? "forced" : "plain", effective);
    }

    struct sock_filter accept_all[] = { BPF_STMT(BPF_RET | BPF_K, 0xffffffffu) };
    r = filter(fd, accept_all, 1);
    if (r != 0) {
        fprintf(stderr, "abi_check: dmaudit_attach_filter: %d (%s)\n", r, strerror(-r));
        bad = 1;
    } else {
        printf("filter=ok\n");
    }
    r = filter(fd, NULL, 0);
    if (r != -EINVAL) {
        fprintf(stderr, "abi_check: dmaudit_attach_filter(NULL, 0): %d, expected -EINVAL\n", r);
        bad = 1;
    } else {
        printf("filter_einval=ok\n");
    }
    close(fd);
    return bad | check_open_append(append);
}
