#include "dmaudit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/filter.h>
#include <stddef.h>
#include <sys/socket.h>

int dmaudit_abi_version(void) { return DMAUDIT_ABI_VERSION; }

int dmaudit_set_rcvbuf(int fd, int bytes, int *effective)
{
    int forced = 1;
    socklen_t len = sizeof(*effective);

    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0) {
        if (errno != EPERM)
            return -errno;
        forced = 0;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) != 0)
            return -errno;
    }
    if (effective != NULL && getsockopt(fd, SOL_SOCKET, SO_RCVBUF, effective, &len) != 0)
        return -errno;
    return forced;
}

int dmaudit_attach_filter(int fd, const void *insns, int count)
{
    struct sock_fprog prog;

    if (insns == NULL || count <= 0 || count > BPF_MAXINSNS)
        return -EINVAL;
    prog.len = (unsigned short)count;
    prog.filter = (struct sock_filter *)insns;
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) != 0)
        return -errno;
    return 0;
}

int dmaudit_open_append(const char *path, int create_new, long long *st)
{
    int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    struct stat sb;
    int fd;
    int err;

    if (path == NULL || st == NULL)
        return -EINVAL;
    if (create_new)
        flags |= O_CREAT | O_EXCL;
    fd = open(path, flags, 0600);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &sb) != 0) {
        err = errno;
        close(fd);
        return -err;
    }
    st[0] = (long long)sb.st_mode;
    st[1] = (long long)sb.st_uid;
    st[2] = (long long)sb.st_size;
    return fd;
}
