#include "dmaudit.h"

#include <errno.h>
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
